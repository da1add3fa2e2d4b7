//! The member's key and card files, as a key rotation changes them.
//!
//! In the data directory: `member/signing.key` (the current key, mode
//! 0600), `member/card.json` (the current card), and, after a rotation,
//! `member/signing.key.previous` (the key before it, kept to sign requests
//! to peers that have not received the rotation yet).
//!
//! A rotation is made crash-safe in three steps: [`MemberFiles::stage`]
//! writes the new key to `member/signing.key.next`; the rotation act is
//! committed to the store; [`MemberFiles::commit`] moves the current key to
//! `.previous`, the staged key into place (a rename) and writes the new
//! card. A node that stopped between the last two finds on start that the
//! ledger holds the staged key: [`MemberFiles::recover`] finishes the job.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use liaison_core::exchange_ops::{CARD_FILE, SIGNING_KEY_FILE};
use liaison_core::federation::{MemberCard, PublicKey, SigningKey};

/// The member files of one data directory.
#[derive(Debug, Clone)]
pub struct MemberFiles {
    data: PathBuf,
}

impl MemberFiles {
    pub fn new(data: impl Into<PathBuf>) -> MemberFiles {
        MemberFiles { data: data.into() }
    }

    fn key(&self) -> PathBuf {
        self.data.join(SIGNING_KEY_FILE)
    }

    fn next(&self) -> PathBuf {
        self.data.join(format!("{SIGNING_KEY_FILE}.next"))
    }

    fn previous(&self) -> PathBuf {
        self.data.join(format!("{SIGNING_KEY_FILE}.previous"))
    }

    fn card(&self) -> PathBuf {
        self.data.join(CARD_FILE)
    }

    /// Writes the new key beside the current one (step 1).
    pub fn stage(&self, key: &SigningKey) -> std::io::Result<()> {
        write_private(&self.next(), format!("{}\n", key.to_seed_hex()).as_bytes())
    }

    /// Makes the staged key current and `card` the card (step 3); the key
    /// it replaces becomes the previous key.
    pub fn commit(&self, card: &MemberCard) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(card).map_err(std::io::Error::other)?;
        if self.key().exists() {
            std::fs::rename(self.key(), self.previous())?;
        }
        std::fs::rename(self.next(), self.key())?;
        let tmp = self.data.join(format!("{CARD_FILE}.tmp"));
        std::fs::write(&tmp, format!("{text}\n"))?;
        std::fs::rename(tmp, self.card())
    }

    /// After a stop between the commit of a rotation act and
    /// [`MemberFiles::commit`]: when the staged key is the one the ledger
    /// holds for this member (`current`), commits it and returns `true`.
    pub fn recover(&self, current: &MemberCard) -> std::io::Result<bool> {
        let Some(staged) = read_key(&self.next())? else {
            return Ok(false);
        };
        if staged.public_key() != current.signing_key {
            return Ok(false);
        }
        self.commit(current)?;
        Ok(true)
    }

    /// Forgets a staged key (a rotation that was not committed).
    pub fn unstage(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.next()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The key before the latest rotation, if kept.
    pub fn previous_key(&self) -> std::io::Result<Option<SigningKey>> {
        read_key(&self.previous())
    }

    /// The public half of the current key file, if it reads.
    pub fn current_public_key(&self) -> std::io::Result<Option<PublicKey>> {
        Ok(read_key(&self.key())?.map(|k| k.public_key()))
    }
}

fn read_key(path: &Path) -> std::io::Result<Option<SigningKey>> {
    match std::fs::read_to_string(path) {
        Ok(text) => SigningKey::from_seed_hex(&text)
            .map(Some)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes a file readable by its owner only, durably.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use liaison_core::federation::EndpointPolicy;

    fn card(key: &SigningKey) -> MemberCard {
        MemberCard::create(
            "cert-a",
            "https://a.example:8443",
            &"ab".repeat(32),
            key,
            EndpointPolicy::HttpsOnly,
        )
        .unwrap()
    }

    fn setup() -> (tempfile::TempDir, MemberFiles, SigningKey) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("member")).unwrap();
        let files = MemberFiles::new(dir.path());
        let old = SigningKey::generate();
        write_private(&files.key(), old.to_seed_hex().as_bytes()).unwrap();
        (dir, files, old)
    }

    #[test]
    fn a_committed_rotation_keeps_the_previous_key_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, files, old) = setup();
        let new = SigningKey::generate();
        files.stage(&new).unwrap();
        files.commit(&card(&new)).unwrap();
        assert_eq!(files.current_public_key().unwrap(), Some(new.public_key()));
        let previous = files.previous_key().unwrap().unwrap();
        assert_eq!(previous.public_key(), old.public_key());
        for path in [files.key(), files.previous()] {
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let text = std::fs::read_to_string(files.card()).unwrap();
        let read = MemberCard::from_json(&text, EndpointPolicy::HttpsOnly).unwrap();
        assert_eq!(read.signing_key, new.public_key());
        assert!(!files.next().exists());
    }

    #[test]
    fn an_interrupted_rotation_is_finished_only_if_the_ledger_holds_the_staged_key() {
        let (_dir, files, old) = setup();
        let new = SigningKey::generate();
        files.stage(&new).unwrap();
        // The ledger still holds the old card: the staged key is not taken.
        assert!(!files.recover(&card(&old)).unwrap());
        assert_eq!(files.current_public_key().unwrap(), Some(old.public_key()));
        // The ledger holds the new card: the rotation is finished.
        assert!(files.recover(&card(&new)).unwrap());
        assert_eq!(files.current_public_key().unwrap(), Some(new.public_key()));
        assert_eq!(
            files.previous_key().unwrap().map(|k| k.public_key()),
            Some(old.public_key())
        );
        // Nothing staged: nothing to do.
        assert!(!files.recover(&card(&new)).unwrap());
        files.unstage().unwrap();
    }
}
