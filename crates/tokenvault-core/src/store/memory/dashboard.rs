//! Dashboard users and sessions in memory.

use async_trait::async_trait;

use super::MemoryStore;
use crate::{
    clock::UnixSeconds,
    ids::TenantId,
    store::{AuditEvent, DashboardStore, DashboardUser, Entity, SessionRecord, StoreError},
};

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: Entity::DashboardUser,
    }
}

#[async_trait]
impl DashboardStore for MemoryStore {
    async fn insert_user(
        &self,
        user: &DashboardUser,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        if s.users.contains_key(&user.login) {
            return Err(StoreError::Conflict {
                what: Entity::DashboardUser,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.users.insert(user.login.clone(), user.clone());
        Ok(())
    }

    async fn user(&self, login: &str) -> Result<Option<DashboardUser>, StoreError> {
        Ok(self.state.lock().users.get(login).cloned())
    }

    async fn users(&self, tenant: &TenantId) -> Result<Vec<DashboardUser>, StoreError> {
        // A BTreeMap keeps them by login.
        Ok(self
            .state
            .lock()
            .users
            .values()
            .filter(|u| &u.tenant == tenant)
            .cloned()
            .collect())
    }

    async fn update_user(
        &self,
        user: &DashboardUser,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let Some(old) = s.users.get(&user.login).filter(|u| u.tenant == user.tenant) else {
            return Err(not_found());
        };
        let ends = old.password_hash != user.password_hash || (user.disabled && !old.disabled);
        s.append_audit(std::slice::from_ref(audit))?;
        if let Some(u) = s.users.get_mut(&user.login) {
            u.roles.clone_from(&user.roles);
            u.password_hash.clone_from(&user.password_hash);
            u.disabled = user.disabled;
        }
        if ends {
            end_all(&mut s.sessions, &user.login, audit.at);
        }
        Ok(())
    }

    async fn delete_user(
        &self,
        tenant: &TenantId,
        login: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        if s.users.get(login).is_none_or(|u| &u.tenant != tenant) {
            return Err(not_found());
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.users.remove(login);
        end_all(&mut s.sessions, login, audit.at);
        Ok(())
    }

    async fn login_failed(
        &self,
        login: &str,
        limit: u32,
        lock_until: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        s.append_audit(std::slice::from_ref(audit))?;
        if let Some(u) = s.users.get_mut(login) {
            u.failed_logins = u.failed_logins.saturating_add(1);
            if u.failed_logins >= limit {
                u.locked_until = Some(lock_until);
            }
        }
        Ok(())
    }

    async fn login_succeeded(
        &self,
        session: &SessionRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let Some(u) = s.users.get_mut(&session.login) else {
            return Err(not_found());
        };
        u.failed_logins = 0;
        u.locked_until = None;
        s.append_audit(std::slice::from_ref(audit))?;
        s.sessions.insert(session.id_hash, session.clone());
        Ok(())
    }

    async fn session(&self, id_hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self.state.lock().sessions.get(id_hash).cloned())
    }

    async fn end_session(
        &self,
        id_hash: &[u8; 32],
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        s.append_audit(std::slice::from_ref(audit))?;
        if let Some(session) = s.sessions.get_mut(id_hash) {
            session.ended_at.get_or_insert(at);
        }
        Ok(())
    }
}

fn end_all(
    sessions: &mut std::collections::HashMap<[u8; 32], SessionRecord>,
    login: &str,
    at: UnixSeconds,
) {
    for s in sessions.values_mut().filter(|s| s.login == login) {
        s.ended_at.get_or_insert(at);
    }
}
