// Generated TLS for services whose type serves it (server-mode Vault): a CA of the service's own
// and a server certificate it signs.
import * as pulumi from "@pulumi/pulumi";
import { TlsCredentials, TlsNames } from "./catalog/types";

/**
 * A CA of the service's own and a server certificate it signs, for `names`. @pulumi/tls keeps
 * every private key it generates as a secret (its `privateKeyPem` output is sensitive); it is
 * loaded only by stacks that serve TLS, so the others need no tls plugin.
 */
export function generatedTls(name: string, names: TlsNames, parent: pulumi.Resource): TlsCredentials {
    const tls = require("@pulumi/tls") as typeof import("@pulumi/tls");
    const opts = { parent };
    const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const ca = new tls.SelfSignedCert(
        `${name}-ca`,
        {
            privateKeyPem: caKey.privateKeyPem,
            isCaCertificate: true,
            subject: { commonName: `${name} CA (Slipway)` },
            // Ten years: the CA is regenerated only when the stack replaces it.
            validityPeriodHours: 87600,
            allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        },
        opts,
    );
    const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
    const request = new tls.CertRequest(
        `${name}-tls-request`,
        { privateKeyPem: key.privateKeyPem, subject: { commonName: name }, dnsNames: [...names.dnsNames], ipAddresses: [...names.ipAddresses] },
        opts,
    );
    const cert = new tls.LocallySignedCert(
        `${name}-tls`,
        {
            certRequestPem: request.certRequestPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            caCertPem: ca.certPem,
            validityPeriodHours: 8760,
            // Renewed by the next `up` in the last 30 days (the provider marks it for replacement).
            earlyRenewalHours: 720,
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        },
        opts,
    );
    return { caCert: ca.certPem, cert: cert.certPem, key: pulumi.secret(key.privateKeyPem) };
}

