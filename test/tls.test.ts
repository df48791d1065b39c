// TLS at the edge, when the stack configures it: an ACM certificate on eks makes the network
// load balancers of public HTTP services terminate TLS; a cert-manager ClusterIssuer makes
// ingresses serve HTTPS. Without either, both serve plain HTTP, as before.
import { strict as assert } from "assert";
import { asProgramSays } from "./bad-configs";
import { plain, Run, runExpectingError, runProgram, runStack } from "./harness";

const ADMIN = ["203.0.113.0/24"];
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const services = (run: Run) => run.resources.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => plain(r.inputs));
const ingresses = (run: Run) => run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress").map((r) => plain(r.inputs));

describe("tls: network load balancers on eks with slipway:certificateArn", () => {
    let run: Run;
    before(async () => {
        run = await runStack("prod", { overrides: { "slipway:certificateArn": CERT } });
    });

    it("gives each public HTTP service's load balancer a TLS listener on its ports, with the certificate and a TLS 1.2+ policy", () => {
        const lbs = services(run).filter((s) => s.spec.type === "LoadBalancer");
        assert.deepEqual(lbs.map((s) => s.metadata.name).sort(), ["gateway-public", "grafana-public", "prometheus-public"]);
        for (const s of lbs) {
            const a = s.metadata.annotations;
            assert.equal(a["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"], CERT, s.metadata.name);
            assert.equal(a["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"], s.spec.ports.map((p: any) => String(p.port)).join(","), s.metadata.name);
            assert.equal(a["service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.equal(a["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
        }
        assert.equal(lbs.find((s) => s.metadata.name === "grafana-public").metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"], "3000");
    });

    it("reports https:// endpoints for them, and leaves the in-cluster ones alone", () => {
        assert.equal(run.outputs.endpoints.grafana, "https://grafana-public-0123.elb.us-east-1.amazonaws.com:3000");
        assert.equal(run.outputs.endpoints.gateway, "https://gateway-public-0123.elb.us-east-1.amazonaws.com:8080");
        assert.equal(run.outputs.endpoints.opa, "http://opa:8181");
    });

    it("names only the load balancer's own ports, the client-facing ones, as TLS ports", async () => {
        const mesh = await runProgram(
            { target: "eks", adminCidrs: ADMIN, certificateArn: CERT, services: { kong: { type: "kong", public: true } } },
            { stack: "prod" },
        );
        const kong = services(mesh).find((s) => s.metadata.name === "kong-public");
        assert.deepEqual(kong.spec.ports.map((p: any) => p.port), [8000]);
        assert.equal(kong.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"], "8000");
    });

    it("serves plain HTTP when no certificate is set: the default", async () => {
        const plainRun = await runStack("prod");
        for (const s of services(plainRun).filter((x) => x.spec.type === "LoadBalancer")) {
            assert.equal(s.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"], undefined);
        }
        assert.equal(plainRun.outputs.endpoints.grafana, "http://grafana-public-0123.elb.us-east-1.amazonaws.com:3000");
    });
});

describe("tls: ingresses with slipway:certIssuer", () => {
    const config = (extra: Record<string, unknown>) => ({ target: "kubernetes", platform: "demo", exposure: "ingress", ingressDomain: "slipway.example.com", adminCidrs: ["203.0.113.0/24"], ...extra });

    it("asks cert-manager for a certificate per host and serves https://<service>.<domain>", async () => {
        const run = await runProgram(config({ certIssuer: "letsencrypt-prod" }));
        const grafana = ingresses(run).find((i) => i.metadata.name === "grafana");
        assert.equal(grafana.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
        assert.deepEqual(grafana.spec.tls, [{ hosts: ["grafana.slipway.example.com"], secretName: "grafana-tls" }]);
        assert.equal(grafana.spec.rules[0].host, "grafana.slipway.example.com");
        assert.equal(run.outputs.endpoints.grafana, "https://grafana.slipway.example.com");
    });

    it("serves plain HTTP when no issuer is set: the default", async () => {
        const run = await runProgram(config({}));
        const grafana = ingresses(run).find((i) => i.metadata.name === "grafana");
        assert.equal(grafana.spec.tls, undefined);
        assert.equal(grafana.metadata.annotations["cert-manager.io/cluster-issuer"], undefined);
        assert.deepEqual(Object.keys(grafana.metadata.annotations), ["nginx.ingress.kubernetes.io/whitelist-source-range"]);
        assert.equal(run.outputs.endpoints.grafana, "http://grafana.slipway.example.com");
    });
});

describe("tls: config", () => {
    const cases: { name: string; config: Record<string, unknown>; problems: string[] }[] = [
        {
            name: "a certificate for load balancers when services are behind an ingress",
            config: { target: "eks", platform: "demo", adminCidrs: ADMIN, exposure: "ingress", ingressDomain: "example.com", certificateArn: CERT },
            problems: ["slipway:certificateArn: serves load balancers, and exposure is ingress; with an ingress, set certIssuer instead"],
        },
        {
            name: "an issuer for ingresses when services are behind load balancers",
            config: { target: "kubernetes", platform: "demo", adminCidrs: ["203.0.113.0/24"], certIssuer: "letsencrypt-prod" },
            problems: ["slipway:certIssuer: serves ingresses, and exposure is loadBalancer; set exposure to ingress, or leave certIssuer unset"],
        },
        {
            name: "a certificate that is not an ACM ARN, and an issuer that is no object name",
            config: { target: "eks", platform: "demo", adminCidrs: ADMIN, certificateArn: "arn:aws:iam::123456789012:server-certificate/web", certIssuer: "Lets_Encrypt" },
            problems: [
                'slipway:certIssuer: "Lets_Encrypt" is not a ClusterIssuer name',
                'slipway:certificateArn: "arn:aws:iam::123456789012:server-certificate/web" is not an ACM certificate ARN like arn:aws:acm:us-east-1:123456789012:certificate/<id>',
            ],
        },
        {
            name: "an ACM certificate off AWS, and an issuer on kind",
            config: { target: "kind", platform: "demo", certificateArn: CERT, certIssuer: "letsencrypt-prod" },
            problems: ["slipway:certIssuer: only applies to targets kubernetes, eks, not kind", "slipway:certificateArn: only applies to targets eks, not kind"],
        },
    ];
    for (const c of cases) {
        it(`refuses ${c.name}, before any resource`, async () => {
            const { message, registered } = await runExpectingError(c.config);
            assert.equal(message, asProgramSays(c.problems));
            assert.equal(registered, 0);
        });
    }
});
