//! TLS to the database, following the URL's `sslmode`.

use super::*;

/// Encrypts without checking the server's certificate, as libpq's `sslmode=prefer|require`
/// do; handshake signatures are still verified. Used when no CA file is configured.
#[derive(Debug)]
struct EncryptOnly(std::sync::Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// How the server's certificate is checked, from the URL's `sslmode` and the CA file, as libpq
/// does: `disable` (no TLS; a CA file with it is refused as a contradiction), `prefer` or
/// `require` (encrypted; without a CA file the certificate is not checked, with one it must
/// chain to it and name the host), `verify-ca` (must chain to the CA file or a public root;
/// the host name is not checked), `verify-full` (must chain and name the host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verify {
    Nothing,
    Chain,
    ChainAndHost,
}

/// Splits the `sslmode` tokio-postgres does not know (`verify-ca`, `verify-full`) out of the
/// URL, leaving `require` in its place; returns the URL to parse and the check to make.
pub(super) fn ssl_mode(
    url: &str,
    ca_file: Option<&std::path::Path>,
) -> Result<(String, Verify), StoreError> {
    let bad = |detail: String| StoreError::Unavailable { detail };
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = None;
    let params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some(("sslmode", m)) => {
                mode = Some(m.to_owned());
                match m {
                    "verify-ca" | "verify-full" => "sslmode=require".to_owned(),
                    _ => p.to_owned(),
                }
            }
            _ => p.to_owned(),
        })
        .collect();
    let verify =
        match (mode.as_deref(), ca_file.is_some()) {
            (Some("disable"), true) => return Err(bad(
                "sslmode=disable turns TLS off, but database_ca_file is set: remove one of them"
                    .into(),
            )),
            (Some("verify-ca"), _) => Verify::Chain,
            (Some("verify-full"), _) | (_, true) => Verify::ChainAndHost,
            _ => Verify::Nothing,
        };
    let url = if params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", params.join("&"))
    };
    Ok((url, verify))
}

/// Checks the chain but not the host name (libpq's `verify-ca`).
#[derive(Debug)]
struct ChainOnly(std::sync::Arc<rustls::client::WebPkiServerVerifier>);

impl rustls::client::danger::ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The TLS connector for the check `verify` asks (see [`Verify`]). Roots are the CA file's
/// certificates and the public roots.
pub(super) fn tls(
    ca_file: Option<&std::path::Path>,
    verify: Verify,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let bad = |what: String| StoreError::Unavailable { detail: what };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?;
    if verify == Verify::Nothing {
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(EncryptOnly(provider)))
            .with_no_client_auth();
        return Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config));
    }
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(format!("database CA file {}: {e}", path.display())))?;
        for cert in certs {
            let cert =
                cert.map_err(|e| bad(format!("database CA file {}: {e}", path.display())))?;
            roots
                .add(cert)
                .map_err(|e| bad(format!("database CA file {}: {e}", path.display())))?;
        }
    }
    let config = if verify == Verify::Chain {
        let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(
            std::sync::Arc::new(roots),
            provider,
        )
        .build()
        .map_err(|e| bad(format!("TLS: {e}")))?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(ChainOnly(inner)))
            .with_no_client_auth()
    } else {
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}
