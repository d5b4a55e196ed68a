//! Root key providers.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use tokenvault_crypto::{kdf, mac::KeyedHasher, wrap::KeyWrapper, Key256};
use zeroize::Zeroizing;

use super::KeyError;

/// Holds the root key and wraps tenant keys with it. Implementations keep the root key to
/// themselves: an HSM-backed provider never exports it.
pub trait RootKeyProvider: Send + Sync + std::fmt::Debug {
    /// Wraps a tenant key, bound to `context`.
    fn wrap(&self, context: &[u8], key: &Key256) -> Result<Vec<u8>, KeyError>;
    /// Unwraps a tenant key wrapped under the same `context`.
    fn unwrap(&self, context: &[u8], wrapped: &[u8]) -> Result<Key256, KeyError>;
    /// A key check value: 16 hex characters that identify the root key without revealing it,
    /// so nodes can refuse to start with a root key other than the one their store was made with.
    fn key_check_value(&self) -> String;
    /// A description for logs, e.g. `key file /var/lib/tokenvault/root.key`.
    fn describe(&self) -> String;
}

/// A root key kept in a file (the embedded default): 64 hexadecimal characters, mode 0600.
pub struct KeyFileProvider {
    wrapper: KeyWrapper,
    check: String,
    source: String,
}

impl std::fmt::Debug for KeyFileProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyFileProvider({}, key redacted)", self.source)
    }
}

const KCV_LABEL: &str = "tokenvault/v1/root/key-check";
const WRAP_LABEL: &str = "tokenvault/v1/root/wrap";

impl KeyFileProvider {
    /// A provider over a key already in memory (tests, and keys fetched from elsewhere).
    pub fn from_key(root: &Key256, source: &str) -> Self {
        let wrapper = KeyWrapper::new(kdf::derive::<64>(root.expose(), b"root", WRAP_LABEL));
        let kcv_key = kdf::derive::<32>(root.expose(), b"root", KCV_LABEL);
        let digest = KeyedHasher::new(&kcv_key).digest(&[b"key check value"]);
        Self {
            wrapper,
            check: hex::encode(&digest[..8]),
            source: source.to_owned(),
        }
    }

    /// Loads the key file at `path`. Refuses a missing, malformed or group/world-readable file.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::RootKeyFileIo {
            path: path.to_owned(),
            source,
        };
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::RootKeyFileMissing {
                    path: path.to_owned(),
                })
            }
            Err(e) => return Err(io(e)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyError::RootKeyFilePermissions {
                    path: path.to_owned(),
                    mode,
                });
            }
        }
        #[cfg(not(unix))]
        let _ = meta;
        let text = Zeroizing::new(fs::read_to_string(path).map_err(io)?);
        let malformed = || KeyError::RootKeyFileMalformed {
            path: path.to_owned(),
        };
        let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| malformed())?);
        let key = Key256::from_slice(&bytes).map_err(|_| malformed())?;
        Ok(Self::from_key(
            &key,
            &format!("key file {}", path.display()),
        ))
    }

    /// Creates a new key file at `path` with mode 0600. Fails if the file exists.
    pub fn create(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::RootKeyFileIo {
            path: path.to_owned(),
            source,
        };
        let key = Key256::generate();
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io)?;
        let text = Zeroizing::new(format!("{}\n", hex::encode(key.expose())));
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(Self::from_key(
            &key,
            &format!("key file {}", path.display()),
        ))
    }

    /// Loads the key file, or creates it when it does not exist. The flag says whether it was
    /// created, so the caller can warn loudly that a new root key now guards the vault.
    pub fn load_or_create(path: &Path) -> Result<(Self, bool), KeyError> {
        match Self::load(path) {
            Ok(p) => Ok((p, false)),
            Err(KeyError::RootKeyFileMissing { .. }) => Self::create(path).map(|p| (p, true)),
            Err(e) => Err(e),
        }
    }

    /// The conventional key file location inside a data directory.
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join("root.key")
    }
}

impl RootKeyProvider for KeyFileProvider {
    fn wrap(&self, context: &[u8], key: &Key256) -> Result<Vec<u8>, KeyError> {
        Ok(self.wrapper.wrap(context, key))
    }

    fn unwrap(&self, context: &[u8], wrapped: &[u8]) -> Result<Key256, KeyError> {
        self.wrapper
            .unwrap(context, wrapped)
            .map_err(|_| KeyError::UnwrapFailed)
    }

    fn key_check_value(&self) -> String {
        self.check.clone()
    }

    fn describe(&self) -> String {
        self.source.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_load_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.key");
        let (created, was_created) = KeyFileProvider::load_or_create(&path).unwrap();
        assert!(was_created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let (loaded, was_created) = KeyFileProvider::load_or_create(&path).unwrap();
        assert!(!was_created);
        assert_eq!(created.key_check_value(), loaded.key_check_value());
        let k = Key256::generate();
        let wrapped = created.wrap(b"ctx", &k).unwrap();
        assert_eq!(loaded.unwrap(b"ctx", &wrapped).unwrap(), k);
        assert!(
            KeyFileProvider::create(&path).is_err(),
            "never overwrites a key file"
        );
    }

    #[test]
    fn refuses_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.key");
        assert!(matches!(
            KeyFileProvider::load(&missing),
            Err(KeyError::RootKeyFileMissing { .. })
        ));
        let bad = dir.path().join("bad.key");
        fs::write(&bad, "not hex").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&bad, fs::Permissions::from_mode(0o600)).unwrap();
            assert!(matches!(
                KeyFileProvider::load(&bad),
                Err(KeyError::RootKeyFileMalformed { .. })
            ));
            fs::write(&bad, "ab".repeat(32)).unwrap();
            fs::set_permissions(&bad, fs::Permissions::from_mode(0o644)).unwrap();
            let err = KeyFileProvider::load(&bad).unwrap_err();
            assert!(matches!(
                err,
                KeyError::RootKeyFilePermissions { mode: 0o644, .. }
            ));
            assert!(err.to_string().contains("chmod 600"));
        }
    }

    #[test]
    fn different_roots_differ_and_do_not_unwrap() {
        let a = KeyFileProvider::from_key(&Key256::generate(), "a");
        let b = KeyFileProvider::from_key(&Key256::generate(), "b");
        assert_ne!(a.key_check_value(), b.key_check_value());
        assert_eq!(a.key_check_value().len(), 16);
        let wrapped = a.wrap(b"ctx", &Key256::generate()).unwrap();
        assert!(matches!(
            b.unwrap(b"ctx", &wrapped),
            Err(KeyError::UnwrapFailed)
        ));
    }
}
