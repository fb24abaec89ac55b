//! Data shapes exchanged between browser and server.
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A member's role in a team, ordered from least to most powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    Viewer,
    Developer,
    Admin,
    Owner,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Developer, Role::Viewer];

    /// The role's stable name, as stored and as sent in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Developer => "developer",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    /// Parses a stored or submitted role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may change the team's cloud resources.
    pub fn can_edit(self) -> bool {
        self >= Role::Developer
    }

    /// Whether this role may invite, remove and re-role members.
    pub fn can_manage_members(self) -> bool {
        self >= Role::Admin
    }

    /// Whether a member with this role may give `target` to someone, or change someone
    /// who holds `target`. Only owners hand out or touch the owner role.
    pub fn can_assign(self, target: Role) -> bool {
        self.can_manage_members() && (self == Role::Owner || target < Role::Owner)
    }
}

/// A team the signed-in user belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRef {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

/// The signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    /// The team this login session works in; `None` when the user belongs to no team.
    pub team: Option<TeamRef>,
    pub teams: Vec<TeamRef>,
}

impl Me {
    /// The role in the current team, if any.
    pub fn role(&self) -> Option<Role> {
        self.team.as_ref().map(|t| t.role)
    }
}

/// What the browser needs to know before rendering any page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// True until the first owner has been created.
    pub needs_setup: bool,
    pub me: Option<Me>,
}

/// One login session of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: Uuid,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub ip: String,
    /// True for the session this request came with.
    pub current: bool,
}

/// A member of the current team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub joined_at: i64,
}

/// A pending invitation to the current team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRow {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A freshly created invitation. The link is shown once: only its hash is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCreated {
    pub id: Uuid,
    /// Path of the accept page, `/invite/<token>`.
    pub path: String,
    pub expires_at: i64,
    /// The address invited.
    pub email: String,
}

/// What an invitation link offers, shown before accepting it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub team_name: String,
    pub email: String,
    pub role: Role,
    pub expires_at: i64,
    /// True when an account with this email exists: accepting then asks for its password.
    pub existing_account: bool,
}

/// Which cloud a team's account talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CloudKind {
    /// The console's embedded emulator.
    Emulator,
    /// Real Tencent Cloud.
    Tencent,
}

impl CloudKind {
    /// The stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            CloudKind::Emulator => "emulator",
            CloudKind::Tencent => "tencent",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<CloudKind> {
        [CloudKind::Emulator, CloudKind::Tencent]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A team's cloud account as the browser may see it: never the SecretKey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudAccountView {
    pub kind: CloudKind,
    pub secret_id: String,
    pub app_id: Option<i64>,
    /// Where API calls go, e.g. `http://127.0.0.1:3900` or `https://*.tencentcloudapi.com`.
    pub endpoint: String,
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_owners_touch_owners() {
        assert!(Role::Owner.can_assign(Role::Owner));
        assert!(!Role::Admin.can_assign(Role::Owner));
        assert!(Role::Admin.can_assign(Role::Admin));
        assert!(!Role::Developer.can_assign(Role::Viewer));
        assert!(!Role::Viewer.can_edit());
        assert!(Role::Developer.can_edit());
    }
}
