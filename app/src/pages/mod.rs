//! One file per route.
mod accept_invite;
mod audit;
mod auth_frame;
mod cloud_account;
mod function_detail;
mod function_new;
pub mod functions;
mod login;
mod members;
mod new_team;
mod not_found;
mod overview;
mod sessions;
mod setup;

pub use accept_invite::AcceptInvitePage;
pub use audit::AuditPage;
pub use cloud_account::CloudAccountPage;
pub use function_detail::FunctionDetailPage;
pub use function_new::FunctionNewPage;
pub use functions::FunctionsPage;
pub use login::LoginPage;
pub use members::MembersPage;
pub use new_team::NewTeamPage;
pub use not_found::NotFoundPage;
pub use overview::OverviewPage;
pub use sessions::SessionsPage;
pub use setup::SetupPage;
