// Prometheus configuration generated from the platform: one scrape job per service that
// exposes metrics, carrying the credentials its endpoint requires, and the alert rules file
// (each type's rules are in prometheus-rules.ts).
import * as pulumi from "@pulumi/pulumi";
import { MetricsSpec } from "../model";
import { ruleGroupName, RuleScope, TYPE_RULES } from "./prometheus-rules";
import { toYaml } from "./yaml";

export interface ScrapeTarget {
    readonly name: string;
    readonly type: string;
    readonly metrics: MetricsSpec;
}

/** Where Prometheus finds the CA of a target that serves TLS with a generated one. */
export const caFile = (target: string) => `/etc/prometheus/ca/${target}.crt`;

/** File name of the rules, relative to the configuration file's directory. */
export const RULES_FILE = "slipway-rules.yml";

/** prometheus.yml; a Pulumi secret whenever a job carries a token. Alerts go to every `alertmanagers` address. */
export function prometheusConfig(targets: readonly ScrapeTarget[], alertmanagers: readonly string[] = []): pulumi.Output<string> {
    const jobs = targets.map((t) =>
        pulumi.all([t.metrics.bearerToken]).apply(([token]) => ({
            job_name: t.name,
            metrics_path: t.metrics.path,
            scheme: t.metrics.scheme ?? "http",
            ...(t.metrics.params ? { params: Object.fromEntries(Object.entries(t.metrics.params).map(([k, v]) => [k, [v]])) } : {}),
            ...(token !== undefined ? { authorization: { type: "Bearer", credentials: token } } : {}),
            ...(t.metrics.caCert !== undefined ? { tls_config: { ca_file: caFile(t.name) } } : {}),
            static_configs: [{ targets: [`${t.name}:${t.metrics.port}`], labels: { service: t.name, type: t.type } }],
        })),
    );
    return pulumi.all(jobs).apply((scrape_configs) =>
        toYaml({
            global: { scrape_interval: "15s", evaluation_interval: "15s" },
            rule_files: [RULES_FILE],
            ...(alertmanagers.length ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [...alertmanagers] }] }] } } : {}),
            scrape_configs,
        }),
    );
}

/**
 * Alert rules: every platform gets ServiceDown and ScrapeSlow for any target; each catalog type
 * among the scrape targets adds one group of its own. `scope` keeps host-wide sources (cAdvisor)
 * to the stack's own containers.
 */
export function prometheusRules(targets: readonly { readonly type: string }[] = [], scope?: RuleScope): string {
    const types = [...new Set(targets.map((t) => t.type))].filter((t) => TYPE_RULES[t]);
    return toYaml({
        groups: [
            {
                name: "slipway",
                rules: [
                    {
                        alert: "ServiceDown",
                        expr: "up == 0",
                        for: "1m",
                        labels: { severity: "critical" },
                        annotations: {
                            summary: "{{ $labels.service }} is down",
                            description: "Prometheus has not been able to scrape {{ $labels.service }} ({{ $labels.instance }}) for a minute.",
                        },
                    },
                    {
                        alert: "ScrapeSlow",
                        expr: "scrape_duration_seconds > 5",
                        for: "5m",
                        labels: { severity: "warning" },
                        annotations: {
                            summary: "Scraping {{ $labels.service }} takes over 5 seconds",
                            description: "Every scrape of {{ $labels.service }} ({{ $labels.instance }}) has taken over 5 seconds for 5 minutes: it is overloaded or exposes too many series.",
                        },
                    },
                ],
            },
            ...types.map((type) => ({ name: ruleGroupName(type), rules: TYPE_RULES[type](scope) })),
        ],
    });
}
