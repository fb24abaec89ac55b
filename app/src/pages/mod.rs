//! One file per route.
mod accept_invite;
mod auth_frame;
mod cloud_account;
mod login;
mod members;
mod new_team;
mod not_found;
mod overview;
mod sessions;
mod setup;

pub use accept_invite::AcceptInvitePage;
pub use cloud_account::CloudAccountPage;
pub use login::LoginPage;
pub use members::MembersPage;
pub use new_team::NewTeamPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use sessions::SessionsPage;
pub use setup::SetupPage;
