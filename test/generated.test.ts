// Generated configuration checked by the real tools: promtool for Prometheus, nginx -t for
// nginx. scripts/test.sh installs them; a missing tool fails these tests rather than skipping.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { containers, envOf, filesOf, Run, runStack } from "./harness";
import { check, checkFails } from "./tools";

const RULES_FILE = "slipway-rules.yml";

const uploads = (run: Run, name: string): { file: string; content: string }[] => filesOf(run, name);

/** What the nginx image's 20-envsubst-on-templates.sh does: substitute defined variables only. */
function envsubst(template: string, env: Record<string, string>): string {
    return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, b) => env[a ?? b] ?? m);
}

describe("generated configuration passes the real tools", () => {
    let dev: Run;
    let dir: string;
    before(async () => {
        dev = await runStack("dev");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-generated-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prometheus.yml and its rules pass promtool check config", () => {
        for (const u of uploads(dev, "prometheus")) fs.writeFileSync(path.join(dir, path.basename(u.file)), u.content);
        const out = check("promtool", ["check", "config", path.join(dir, "prometheus.yml")]);
        assert.match(out, /SUCCESS/);
        assert.match(check("promtool", ["check", "rules", path.join(dir, RULES_FILE)]), /SUCCESS: 13 rules found/);
    });

    it("the ServiceDown rule fires for a target that stays down", () => {
        fs.writeFileSync(path.join(dir, RULES_FILE), uploads(dev, "prometheus").find((u) => u.file.endsWith(RULES_FILE))!.content);
        const test = {
            rule_files: [RULES_FILE],
            evaluation_interval: "15s",
            tests: [
                {
                    interval: "15s",
                    input_series: [
                        { series: 'up{job="minio",instance="minio:9000",service="minio"}', values: "0x10" },
                        { series: 'up{job="opa",instance="opa:8181",service="opa"}', values: "1x10" },
                    ],
                    alert_rule_test: [
                        {
                            eval_time: "2m",
                            alertname: "ServiceDown",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "critical", job: "minio", instance: "minio:9000", service: "minio" },
                                    exp_annotations: {
                                        summary: "minio is down",
                                        description: "Prometheus has not been able to scrape minio (minio:9000) for a minute.",
                                    },
                                },
                            ],
                        },
                    ],
                },
            ],
        };
        fs.writeFileSync(path.join(dir, "rules.test.yml"), YAML.stringify(test));
        assert.match(check("promtool", ["test", "rules", path.join(dir, "rules.test.yml")]), /SUCCESS/);
    });

    it("the nginx template, rendered as the image's entrypoint renders it, passes nginx -t", () => {
        const gateway = containers(dev).find((c) => c.name === "gateway")!;
        const template = uploads(dev, "gateway")[0].content;
        // 15-local-resolvers.envsh exports the resolv.conf nameserver; Docker's is 127.0.0.11.
        const env = { ...envOf(gateway), NGINX_LOCAL_RESOLVERS: "127.0.0.11", HOME: "/", PATH: "/usr/bin", HOSTNAME: "gateway" };
        const rendered = envsubst(template, env);
        assert.ok(!rendered.includes("${"), "every template variable is defined");
        fs.writeFileSync(path.join(dir, "default.conf"), rendered);
        fs.writeFileSync(
            path.join(dir, "nginx.conf"),
            `pid ${dir}/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/default.conf;
}
`,
        );
        const out = check("nginx", ["-t", "-e", "stderr", "-p", `${dir}/`, "-c", path.join(dir, "nginx.conf")]);
        assert.match(out, /test is successful/);
    });

    it("nginx -t rejects a broken configuration (the check is real)", () => {
        fs.writeFileSync(path.join(dir, "broken.conf"), `pid ${dir}/b.pid; error_log stderr; events {} http { server { listen 8080; location / { proxy_pass; } } }\n`);
        checkFails("nginx", ["-t", "-e", "stderr", "-p", `${dir}/`, "-c", path.join(dir, "broken.conf")], {
            status: 1,
            message: /\[emerg\] .*invalid number of arguments in "proxy_pass" directive in .*broken\.conf:1\n[^]*test failed/,
        });
    });

    it("Grafana's provisioning file is valid YAML in Grafana's datasource schema", () => {
        const file = uploads(dev, "grafana").find((u) => u.file.startsWith("/etc/grafana/provisioning/datasources/"))!;
        assert.deepEqual(YAML.parse(file.content), {
            apiVersion: 1,
            datasources: [{ name: "prometheus", uid: "prometheus", type: "prometheus", access: "proxy", url: "http://prometheus:9090", isDefault: true, editable: false }],
        });
    });

    it("the Vault start script is valid POSIX shell", () => {
        // Server-mode Vault (off the dev stack) runs this script under the image's busybox sh.
        const qaVault = path.join(dir, "vault-start.sh");
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        fs.writeFileSync(qaVault, (require("../components/catalog/vault") as typeof import("../components/catalog/vault")).VAULT_START);
        execFileSync("sh", ["-n", qaVault]);
    });
});
