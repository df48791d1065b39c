// What both AWS targets offer Vault: a KMS key of its own to auto-unseal with.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, TargetEnvironment } from "../../model";

/** The KMS permissions Vault's seal needs on its key. */
export const kmsSealPolicy = (keyArn: pulumi.Input<string>) =>
    pulumi.output(keyArn).apply((arn) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: arn }] }),
    );

/** A KMS key for Vault's seal, when the platform runs Vault. */
export function vaultKey(spec: PlatformSpec, name: string, opts: pulumi.ComponentResourceOptions): aws.kms.Key | undefined {
    if (!spec.services.some((s) => s.type === "vault")) return undefined;
    return new aws.kms.Key(
        "vault-seal",
        { description: `${name}: Vault auto-unseal`, enableKeyRotation: true, deletionWindowInDays: 30 },
        { ...opts, protect: spec.aws!.protectData },
    );
}

/** What the AWS targets offer services: Vault's seal, with its key, where the platform has one. */
export function sealEnvironment(key: aws.kms.Key | undefined, region: pulumi.Output<string>): TargetEnvironment {
    return key ? { vaultSeal: { awskms: { region, keyId: key.keyId } } } : {};
}

