// What both AWS targets offer Vault: a KMS key of its own to auto-unseal with. On eks Vault
// reaches it with the IAM role of its service account (IRSA); on ec2, where containers may not
// take the host's role, with an access key that can use that key alone, from the host alone.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformSpec, TargetEnvironment } from "../../model";

/** The KMS permissions Vault's seal needs on its key (Vault docs, "AWS KMS seal": kms:Encrypt, kms:Decrypt, kms:DescribeKey). */
export const kmsSealStatement = (keyArn: string) => ({ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], Resource: keyArn });

/** A KMS key for Vault's seal, when the platform runs Vault. */
export function vaultKey(spec: PlatformSpec, name: string, opts: pulumi.ComponentResourceOptions): aws.kms.Key | undefined {
    if (!spec.services.some((s) => s.type === "vault")) return undefined;
    return new aws.kms.Key(
        "vault-seal",
        { description: `${name}: Vault auto-unseal`, enableKeyRotation: true, deletionWindowInDays: 30 },
        { ...opts, protect: spec.aws!.protectData },
    );
}

/**
 * Vault's credentials on ec2: an IAM user whose one permission is the seal on its key, and only
 * from the host's address, so the key is of no use off the host (IAM global condition key
 * aws:SourceIp; it holds for calls to KMS's public endpoint, which the host reaches through
 * the internet gateway from its Elastic IP). Its access key is a Pulumi secret, handed to the
 * Vault container alone. Why not the host's role: a container reaches the role through IMDS
 * only with a hop limit of 2, and then every container could take it (ec2.ts). Why not a
 * Shamir key: it would sit in plain text on the volume beside the data it unlocks, or need a
 * person at every restart. Rotate it with `pulumi up --replace <the access key's URN>`.
 */
export function vaultSealUser(name: string, key: aws.kms.Key, hostAddress: pulumi.Output<string>, opts: pulumi.ComponentResourceOptions) {
    const user = new aws.iam.User("vault-seal", { tags: { purpose: "Vault auto-unseal on the ec2 host" } }, opts);
    const policy = new aws.iam.UserPolicy(
        "vault-seal",
        {
            user: user.name,
            policy: pulumi.all([key.arn, hostAddress]).apply(([arn, ip]) =>
                JSON.stringify({ Version: "2012-10-17", Statement: [{ ...kmsSealStatement(arn), Condition: { IpAddress: { "aws:SourceIp": `${ip}/32` } } }] }),
            ),
        },
        opts,
    );
    const accessKey = new aws.iam.AccessKey("vault-seal", { user: user.name }, opts);
    // Handed over once the policy is in place, so Vault's first start can already use the key.
    const after = <T>(v: pulumi.Output<T>) => pulumi.secret(pulumi.all([v, policy.id]).apply(([x]) => x));
    return { accessKeyId: after(accessKey.id), secretAccessKey: after(accessKey.secret) };
}

/** What the AWS targets offer services: Vault's seal, with its key, where the platform has one. */
export function sealEnvironment(
    key: aws.kms.Key | undefined,
    region: pulumi.Output<string>,
    credentials?: { readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> },
): TargetEnvironment {
    return key ? { vaultSeal: { awskms: { region, keyId: key.keyId, credentials } } } : {};
}
