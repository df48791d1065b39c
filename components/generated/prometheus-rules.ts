// The alert rules of each catalog type, for Prometheus (prometheus.ts makes the rules file).
/**
 * The labels cAdvisor gives a container from its Docker labels (`container_label_` plus the label
 * with every character outside [a-zA-Z0-9_] turned into `_`): the Docker target labels each
 * container `dev.slipway.project`, `dev.slipway.stack` and `dev.slipway.service`.
 */
export const CADVISOR_LABELS = {
    project: "container_label_dev_slipway_project",
    stack: "container_label_dev_slipway_stack",
    service: "container_label_dev_slipway_service",
} as const;

/** Which platform the rules watch: cAdvisor reports every container of the host, rules only this stack's. */
export interface RuleScope {
    readonly project: string;
    readonly stack: string;
}

interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "critical" | "warning" };
    readonly annotations: { readonly summary: string; readonly description: string };
}

/** A PromQL string literal. */
const str = (s: string) => JSON.stringify(s);

/** Label matchers that keep a rule to the targets of one type (the `type` label of every scrape job). */
const sel = (type: string, ...more: string[]) => `{${[`type=${str(type)}`, ...more].join(",")}}`;

const rule = (
    alert: string,
    severity: AlertRule["labels"]["severity"],
    forDuration: string,
    expr: string,
    summary: string,
    description: string,
): AlertRule => ({ alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description } });

/** `errors / all > ratio` over 5 minutes, per service. */
const errorRatio = (metric: string, type: string, errors: string, ratio: number) =>
    `sum by (service, instance) (rate(${metric}${sel(type, errors)}[5m])) / sum by (service, instance) (rate(${metric}${sel(type)}[5m])) > ${ratio}`;

/**
 * Rules per catalog type, on metrics the type exposes where Slipway scrapes it. Each metric name
 * is the one its project documents or defines (comments say where); every expression is kept to
 * the type's own targets by the `type` label.
 */
export const TYPE_RULES: Readonly<Record<string, (scope?: RuleScope) => AlertRule[]>> = {
    // Prometheus' own /metrics.
    prometheus: () => {
        const s = sel("prometheus");
        return [
            rule("PrometheusConfigReloadFailed", "warning", "5m", `prometheus_config_last_reload_successful${s} == 0`,
                "{{ $labels.service }} failed to load its configuration",
                "{{ $labels.service }} keeps running on its last good configuration: the current prometheus.yml or its rules do not load. Its log says why."),
            rule("PrometheusRuleEvaluationFailures", "critical", "0m", `increase(prometheus_rule_evaluation_failures_total${s}[5m]) > 0`,
                "{{ $labels.service }} fails to evaluate alert rules",
                "{{ $labels.service }} failed {{ $value | humanize }} rule evaluations in group {{ $labels.rule_group }} over 5 minutes: some alerts cannot fire."),
            rule("PrometheusNotificationsDropped", "warning", "0m", `increase(prometheus_notifications_dropped_total${s}[5m]) > 0`,
                "{{ $labels.service }} drops alert notifications",
                "{{ $labels.service }} dropped {{ $value | humanize }} notifications to Alertmanager over 5 minutes."),
            rule("PrometheusTsdbCompactionsFailed", "warning", "0m", `increase(prometheus_tsdb_compactions_failed_total${s}[1h]) > 0`,
                "{{ $labels.service }} fails to compact its storage",
                "{{ $labels.service }} failed {{ $value | humanize }} TSDB compactions in the last hour; its volume may be full or damaged."),
        ];
    },
    // Alertmanager's /metrics.
    alertmanager: () => {
        const s = sel("alertmanager");
        return [
            rule("AlertmanagerNotificationsFailing", "critical", "5m",
                `sum by (service, instance, integration) (rate(alertmanager_notifications_failed_total${s}[5m])) > 0`,
                "{{ $labels.service }} fails to send {{ $labels.integration }} notifications",
                "{{ $labels.service }} cannot deliver notifications through {{ $labels.integration }}: alerts reach nobody."),
            rule("AlertmanagerConfigReloadFailed", "warning", "5m", `alertmanager_config_last_reload_successful${s} == 0`,
                "{{ $labels.service }} failed to load its configuration",
                "{{ $labels.service }} keeps running on its last good configuration: the current one does not load."),
        ];
    },
    // Grafana's request histogram (pkg/middleware/request_metrics.go: handler, status_code, method).
    grafana: () => [
        rule("GrafanaServerErrors", "warning", "10m", errorRatio("grafana_http_request_duration_seconds_count", "grafana", 'status_code=~"5.."', 0.05),
            "{{ $labels.service }} answers with server errors",
            "{{ $value | humanizePercentage }} of the requests {{ $labels.service }} served over 5 minutes failed with a 5xx status."),
    ],
    // postgres-exporter: pg_up, pg_stat_activity_count and pg_settings_* (its built-in queries),
    // pg_stat_database_deadlocks (the stat_database collector); the connection rule is the one of
    // the exporter's own mixin.
    "postgres-exporter": () => {
        const s = sel("postgres-exporter");
        return [
            rule("PostgresDown", "critical", "1m", `pg_up${s} == 0`,
                "PostgreSQL watched by {{ $labels.service }} is unreachable",
                "{{ $labels.service }} cannot connect to the database it watches (pg_up is 0): PostgreSQL is down or refuses the exporter's credentials."),
            rule("PostgresTooManyConnections", "warning", "5m",
                `sum by (service, instance) (pg_stat_activity_count${s}) > 0.8 * (sum by (service, instance) (pg_settings_max_connections${s}) - sum by (service, instance) (pg_settings_superuser_reserved_connections${s}))`,
                "PostgreSQL watched by {{ $labels.service }} is running out of connections",
                "{{ $value }} connections are open, over 80% of max_connections less the superuser reserve; new clients will soon be refused."),
            rule("PostgresDeadlocks", "warning", "0m", `increase(pg_stat_database_deadlocks${s}[5m]) > 0`,
                "Deadlocks in database {{ $labels.datname }} (seen by {{ $labels.service }})",
                "PostgreSQL aborted {{ $value | humanize }} transactions in {{ $labels.datname }} over 5 minutes to break deadlocks."),
        ];
    },
    // redis_exporter: redis_up, redis_memory_used_bytes, redis_memory_max_bytes (maxmemory),
    // redis_rejected_connections_total (INFO stats).
    "redis-exporter": () => {
        const s = sel("redis-exporter");
        return [
            rule("RedisDown", "critical", "1m", `redis_up${s} == 0`,
                "Redis watched by {{ $labels.service }} is unreachable",
                "{{ $labels.service }} cannot reach the Redis it watches (redis_up is 0): Redis is down or refuses the exporter's password."),
            rule("RedisMemoryNearLimit", "warning", "10m", `redis_memory_used_bytes${s} / (redis_memory_max_bytes${s} > 0) > 0.9`,
                "Redis watched by {{ $labels.service }} is near its maxmemory",
                "Redis uses {{ $value | humanizePercentage }} of its maxmemory; past it, it evicts keys (allkeys-lru) to accept writes."),
            rule("RedisRejectedConnections", "warning", "0m", `increase(redis_rejected_connections_total${s}[5m]) > 0`,
                "Redis watched by {{ $labels.service }} rejects connections",
                "Redis refused {{ $value | humanize }} connections over 5 minutes: it has reached maxclients."),
        ];
    },
    // MinIO's cluster metrics (docs/metrics/prometheus/list.md: /minio/v2/metrics/cluster).
    minio: () => {
        const s = sel("minio");
        return [
            rule("MinioNodesOffline", "critical", "1m", `minio_cluster_nodes_offline_total${s} > 0`,
                "{{ $labels.service }} has offline nodes",
                "{{ $value }} MinIO nodes of {{ $labels.service }} are offline."),
            rule("MinioDrivesOffline", "critical", "1m", `minio_cluster_drive_offline_total${s} > 0`,
                "{{ $labels.service }} has offline drives",
                "{{ $value }} drives of {{ $labels.service }} are offline; objects on them cannot be read or written."),
            rule("MinioCapacityLow", "warning", "15m",
                `minio_cluster_capacity_usable_free_bytes${s} / (minio_cluster_capacity_usable_total_bytes${s} > 0) < 0.1`,
                "{{ $labels.service }} is running out of space",
                "Only {{ $value | humanizePercentage }} of the usable capacity of {{ $labels.service }} is free."),
        ];
    },
    // Vault telemetry: vault.core.unsealed (1 unsealed, 0 sealed).
    vault: () => [
        rule("VaultSealed", "critical", "1m", `vault_core_unsealed${sel("vault")} == 0`,
            "{{ $labels.service }} is sealed",
            "{{ $labels.service }} is sealed: it serves no secrets until it is unsealed, so every service that uses it fails."),
    ],
    // rabbitmq_prometheus (prometheus_rabbitmq_alarm_metrics_collector.erl): 1 while an alarm is in effect.
    rabbitmq: () => {
        const s = sel("rabbitmq");
        return [
            rule("RabbitmqMemoryAlarm", "critical", "0m", `rabbitmq_alarms_memory_used_watermark${s} == 1`,
                "{{ $labels.service }} hit its memory watermark",
                "{{ $labels.service }} is over its memory high watermark and blocks every publishing connection until memory is freed."),
            rule("RabbitmqDiskAlarm", "critical", "0m", `rabbitmq_alarms_free_disk_space_watermark${s} == 1`,
                "{{ $labels.service }} is low on disk",
                "{{ $labels.service }} has less free disk than its limit and blocks every publishing connection."),
            rule("RabbitmqFileDescriptorAlarm", "critical", "0m", `rabbitmq_alarms_file_descriptor_limit${s} == 1`,
                "{{ $labels.service }} ran out of file descriptors",
                "{{ $labels.service }} has used up its file descriptors and refuses new connections."),
        ];
    },
    // node_exporter: filesystem, meminfo and vmstat collectors (all on by default).
    "node-exporter": () => {
        const s = sel("node-exporter");
        const fs = sel("node-exporter", 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"');
        return [
            rule("HostDiskAlmostFull", "warning", "5m",
                `(node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs} < 0.1) and on (service, instance, device, mountpoint) (node_filesystem_readonly${fs} == 0)`,
                "A host disk is almost full ({{ $labels.mountpoint }}, seen by {{ $labels.service }})",
                "Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} ({{ $labels.device }}) is free."),
            rule("HostMemoryLow", "warning", "5m", `node_memory_MemAvailable_bytes${s} / node_memory_MemTotal_bytes${s} < 0.1`,
                "The host is running out of memory (seen by {{ $labels.service }})",
                "Only {{ $value | humanizePercentage }} of the host's memory is available."),
            rule("HostMemoryPressure", "warning", "5m", `rate(node_vmstat_pgmajfault${s}[5m]) > 1000`,
                "The host is under memory pressure (seen by {{ $labels.service }})",
                "The host takes {{ $value | humanize }} major page faults a second."),
            rule("HostOomKill", "warning", "0m", `increase(node_vmstat_oom_kill${s}[5m]) > 0`,
                "The kernel killed processes for memory (seen by {{ $labels.service }})",
                "The host's kernel OOM-killed {{ $value | humanize }} processes over 5 minutes."),
        ];
    },
    // cAdvisor's container metrics, for this stack's containers only. (Its OOM counter needs
    // /dev/kmsg, which Slipway does not grant; node-exporter's HostOomKill covers OOM kills.)
    cadvisor: (scope) => {
        const mine = scope ? [`${CADVISOR_LABELS.project}=${str(scope.project)}`, `${CADVISOR_LABELS.stack}=${str(scope.stack)}`] : ['name!=""'];
        const s = sel("cadvisor", ...mine);
        const svc = `{{ $labels.${CADVISOR_LABELS.service} }}`;
        return [
            rule("ContainerMemoryNearLimit", "warning", "5m", `container_memory_working_set_bytes${s} / (container_spec_memory_limit_bytes${s} > 0) > 0.9`,
                `Container ${svc} is near its memory limit`,
                `Container {{ $labels.name }} uses {{ $value | humanizePercentage }} of its memory limit and will be OOM-killed past it (measured by {{ $labels.service }}).`),
            rule("ContainerRestarting", "warning", "0m", `changes(container_start_time_seconds${s}[15m]) > 2`,
                `Container ${svc} keeps restarting`,
                `Container {{ $labels.name }} started {{ $value }} times in 15 minutes (measured by {{ $labels.service }}).`),
            rule("ContainerCpuThrottled", "warning", "15m",
                `increase(container_cpu_cfs_throttled_periods_total${s}[5m]) / increase(container_cpu_cfs_periods_total${s}[5m]) > 0.5`,
                `Container ${svc} is CPU-throttled`,
                `Container {{ $labels.name }} was throttled in {{ $value | humanizePercentage }} of its CPU periods: its CPU limit is too low (measured by {{ $labels.service }}).`),
        ];
    },
    // Jaeger v2 is an OpenTelemetry Collector: its telemetry on :8888 carries the collector's
    // pipeline counters (Prometheus names, with the `_total` suffix).
    jaeger: () => {
        const s = sel("jaeger");
        return [
            rule("JaegerSpansRefused", "warning", "5m", `sum by (service, instance, receiver) (rate(otelcol_receiver_refused_spans_total${s}[5m])) > 0`,
                "{{ $labels.service }} refuses spans",
                "{{ $labels.service }} refuses {{ $value | humanize }} spans a second on receiver {{ $labels.receiver }}: traces are lost."),
            rule("JaegerSpansNotStored", "warning", "5m", `sum by (service, instance, exporter) (rate(otelcol_exporter_send_failed_spans_total${s}[5m])) > 0`,
                "{{ $labels.service }} fails to store spans",
                "{{ $labels.service }} fails to hand {{ $value | humanize }} spans a second to {{ $labels.exporter }}: traces are lost."),
        ];
    },
    // Kong's Prometheus plugin (kong/plugins/prometheus/exporter.lua).
    kong: () => {
        const s = sel("kong");
        return [
            rule("KongSharedDictAlmostFull", "warning", "10m", `kong_memory_lua_shared_dict_bytes${s} / (kong_memory_lua_shared_dict_total_bytes${s} > 0) > 0.9`,
                "{{ $labels.service }}: shared dict {{ $labels.shared_dict }} is almost full",
                "Shared dict {{ $labels.shared_dict }} of {{ $labels.service }} is {{ $value | humanizePercentage }} full; Kong evicts or fails writes to it."),
            rule("KongMetricErrors", "warning", "0m", `increase(kong_nginx_metric_errors_total${s}[5m]) > 0`,
                "{{ $labels.service }} fails to record metrics",
                "{{ $labels.service }}'s Prometheus plugin hit {{ $value | humanize }} errors over 5 minutes; its metrics are incomplete."),
        ];
    },
    // Consul agent telemetry: consul.server.isLeader. Slipway runs one server that elects itself,
    // so it must be the leader.
    consul: () => [
        rule("ConsulNoLeader", "critical", "2m", `consul_server_isLeader${sel("consul")} == 0`,
            "{{ $labels.service }} has no leader",
            "{{ $labels.service }} is its cluster's only server but not its leader: the catalog and KV store accept no writes."),
    ],
    // Qdrant's /metrics: app_status_recovery_mode, rest_responses_total{method,endpoint,status}.
    qdrant: () => [
        rule("QdrantRecoveryMode", "critical", "1m", `app_status_recovery_mode${sel("qdrant")} == 1`,
            "{{ $labels.service }} started in recovery mode",
            "{{ $labels.service }} runs in recovery mode and serves no normal requests."),
        rule("QdrantServerErrors", "warning", "10m", errorRatio("rest_responses_total", "qdrant", 'status=~"5.."', 0.05),
            "{{ $labels.service }} answers with server errors",
            "{{ $value | humanizePercentage }} of the REST requests {{ $labels.service }} served over 5 minutes failed with a 5xx status."),
    ],
    // Jupyter Server (jupyter_server/prometheus/metrics.py: method, handler, status_code).
    jupyter: () => [
        rule("JupyterServerErrors", "warning", "10m", errorRatio("http_request_duration_seconds_count", "jupyter", 'status_code=~"5.."', 0.05),
            "{{ $labels.service }} answers with server errors",
            "{{ $value | humanizePercentage }} of the requests {{ $labels.service }} served over 5 minutes failed with a 5xx status."),
    ],
    // OPA's request histogram (internal/prometheus/prometheus.go: code, handler, method); decisions
    // are the v1/data handler. 50 ms is the governance team's decision latency target (SEEDS.md).
    opa: () => [
        rule("OpaDecisionsSlow", "warning", "10m",
            `histogram_quantile(0.99, sum by (service, instance, le) (rate(http_request_duration_seconds_bucket${sel("opa", 'handler="v1/data"')}[5m]))) > 0.05`,
            "{{ $labels.service }} decides slowly",
            "99% of {{ $labels.service }}'s policy decisions took up to {{ $value | humanizeDuration }} over 5 minutes, above the 50 ms target."),
        rule("OpaServerErrors", "warning", "5m", `sum by (service, instance) (rate(http_request_duration_seconds_count${sel("opa", 'code=~"5.."')}[5m])) > 0`,
            "{{ $labels.service }} answers with server errors",
            "{{ $labels.service }} answered {{ $value | humanize }} requests a second with a 5xx status over 5 minutes."),
    ],
};

/** Name of the rule group of a type. */
export const ruleGroupName = (type: string) => `slipway-${type}`;
