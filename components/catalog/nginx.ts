import { NGINX_TEMPLATE_PATH, nginxTemplate } from "../generated/nginx";
import { CatalogType } from "./types";

/**
 * A reverse proxy in front of the team's apps: `/name/` goes to app `name`. It routes to the
 * apps it `uses`, or, when it uses none, to every public app of the platform.
 */
export const nginx: CatalogType = {
    type: "nginx",
    image: "nginxinc/nginx-unprivileged:1.27.5-alpine",
    ports: [{ name: "http", port: 8080, access: "client" }],
    ownedEnv: ["NGINX_ENTRYPOINT_LOCAL_RESOLVERS", "NGINX_ENVSUBST_*"],
    scheme: "http",
    user: { uid: 101, gid: 101 },
    // The image keeps its pid file and every temp path in /tmp (docker-nginx-unprivileged's
    // Dockerfile), and its entrypoint renders the templates into /etc/nginx/conf.d
    // (20-envsubst-on-templates.sh, NGINX_ENVSUBST_OUTPUT_DIR), so both are scratch space and the
    // root filesystem is read-only. On scratch space conf.d starts empty: the image's default.conf
    // is not there, and 10-listen-on-ipv6-by-default.sh, finding no default.conf, changes nothing.
    scratch: ["/tmp", "/etc/nginx/conf.d"],
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/healthz" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:8080/healthz",
    resources: { cpu: 0.25, memoryMiB: 128, storageGiB: 0 },
    configure: (ctx, peers) => {
        const apps = peers.filter((p) => p.type === "app");
        const routed = ctx.spec.uses.length > 0 ? apps.filter((p) => ctx.spec.uses.includes(p.name)) : apps.filter((p) => p.spec.public);
        const routes = routed.map((p) => ({ name: p.name, port: p.port }));
        return {
            env: { NGINX_ENTRYPOINT_LOCAL_RESOLVERS: "1" },
            files: [{ path: NGINX_TEMPLATE_PATH, content: nginxTemplate(8080, routes), secret: false }],
            reaches: routes.map((r) => r.name),
        };
    },
};
