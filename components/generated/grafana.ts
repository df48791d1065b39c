// Grafana provisioning generated from the platform: its data sources.
import * as YAML from "yaml";

export interface DataSource {
    readonly name: string;
    readonly type: "prometheus" | "jaeger";
    readonly url: string;
}

export function grafanaDataSources(sources: readonly DataSource[]): string {
    return YAML.stringify({
        apiVersion: 1,
        datasources: sources.map((s, i) => ({
            name: s.name,
            uid: s.name,
            type: s.type,
            access: "proxy",
            url: s.url,
            isDefault: i === 0,
            editable: false,
        })),
    });
}
