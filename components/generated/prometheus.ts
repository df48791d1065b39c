// Prometheus configuration generated from the platform: one scrape job per service that
// exposes metrics, carrying the credentials its endpoint requires, plus alert rules.
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { MetricsSpec } from "../model";

export interface ScrapeTarget {
    readonly name: string;
    readonly type: string;
    readonly metrics: MetricsSpec;
}

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
            static_configs: [{ targets: [`${t.name}:${t.metrics.port}`], labels: { service: t.name, type: t.type } }],
        })),
    );
    return pulumi.all(jobs).apply((scrape_configs) =>
        YAML.stringify({
            global: { scrape_interval: "15s", evaluation_interval: "15s" },
            rule_files: [RULES_FILE],
            ...(alertmanagers.length ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [...alertmanagers] }] }] } } : {}),
            scrape_configs,
        }),
    );
}

/** Alert rules every platform gets: a scrape target that is down, or that Prometheus cannot reach. */
export function prometheusRules(): string {
    return YAML.stringify({
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
                        annotations: { summary: "Scraping {{ $labels.service }} takes over 5 seconds" },
                    },
                ],
            },
        ],
    });
}
