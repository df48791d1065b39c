// Helper images the targets run beside the services (not part of any service).

/** busybox: the Docker target's volume-init container and the Kubernetes target's wait-for init container. */
export const HELPER_IMAGE = "busybox:1.37.0";
