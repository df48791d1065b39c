import { CatalogType } from "./types";

/**
 * The team's own images. The user gives image and port; health defaults to a TCP check on
 * the port. Apps run as uid/gid 1000, the `node` user of Node images and the `USER 1000` of
 * most images that set one: never root, as Kubernetes' restricted profile requires.
 */
export const app: CatalogType = {
    type: "app",
    image: "", // validation requires the user's image
    ports: [],
    scheme: "http",
    user: { uid: 1000, gid: 1000 },
    ownedEnv: [],
    scratch: ["/tmp"],
    // Slipway cannot know what an app image writes outside /tmp.
    readOnlyRootFilesystem: false,
    health: { kind: "tcp" },
    resources: { cpu: 0.5, memoryMiB: 256, storageGiB: 0 },
};
