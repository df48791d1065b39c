// Sizing: a catalog type's small-environment resources, scaled by the stack's size,
// with the service's own cpu / memory / storage taking precedence.
import { GiB, MiB, parseBytes, parseCpu } from "./config/quantity";
import { Resources, ServiceSpec, Size } from "./model";

const SCALE: Record<Size, number> = { small: 1, medium: 2, large: 4 };

export function resolveResources(base: Resources, spec: ServiceSpec, size: Size): Resources {
    const k = SCALE[size];
    return {
        cpu: spec.cpu !== undefined ? parseCpu(spec.cpu)! : base.cpu * k,
        memoryMiB: spec.memory !== undefined ? Math.ceil(parseBytes(spec.memory)! / MiB) : base.memoryMiB * k,
        storageGiB: spec.storage !== undefined ? Math.ceil(parseBytes(spec.storage)! / GiB) : base.storageGiB * k,
    };
}
