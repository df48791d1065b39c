import { CatalogType } from "./types";

// mailhog/mailhog: Alpine (busybox wget), `adduser -D -u 1000 mailhog` and USER mailhog, SMTP on
// 1025 and the web UI/API on 8025, messages kept in memory (nothing to persist). v1.0.1 (2020) is
// MailHog's last release; it is amd64-only. It accepts any mail without credentials.
// Consumers connect to SMTP, so that is the first port (`S_URL` = smtp://mailhog:1025).
export const mailhog: CatalogType = {
    type: "mailhog",
    image: "mailhog/mailhog:v1.0.1",
    ports: [
        { name: "smtp", port: 1025, access: "client" },
        { name: "http", port: 8025, access: "client" },
    ],
    scheme: "smtp",
    user: { uid: 1000, gid: 1000 },
    ownedEnv: [],
    scratch: ["/tmp"],
    // Unconfirmed that nothing is written with in-memory storage.
    readOnlyRootFilesystem: false,
    // The web UI's page: served by the same process that accepts SMTP.
    health: { kind: "http", path: "/" },
    healthPort: 8025,
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:8025/",
    resources: { cpu: 0.1, memoryMiB: 128, storageGiB: 0 },
};
