//! The two UI languages (English, Simplified Chinese) and every string the UI shows.
//!
//! The language comes from the `lang` cookie (else the browser's Accept-Language) on the
//! server, and from `<html lang>` in the browser, so both render the same text.
use leptos::prelude::*;

use crate::api::types::Role;
use crate::error::AppError;

/// Name of the cookie that remembers the language.
pub const LANG_COOKIE: &str = "lang";

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The BCP 47 code used in `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// Parses a code; anything Chinese is `Zh`, the rest `En`.
    pub fn from_code(code: &str) -> Lang {
        if code.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language's name in itself, for the toggle.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }
}

/// The language of the request being rendered (server) or of the page (browser).
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(code) = crate::ssr::request_cookie(LANG_COOKIE) {
            return Lang::from_code(&code);
        }
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_code)
            })
            .unwrap_or(Lang::En)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|el| el.get_attribute("lang"))
            .map(|code| Lang::from_code(&code))
            .unwrap_or(Lang::En)
    }
}

/// Provides the language as context and returns it.
pub fn provide_lang() -> Lang {
    let lang = request_lang();
    provide_context(lang);
    lang
}

/// The current language.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or(Lang::En)
}

/// The text of `key` in `lang`; an unknown key shows itself, so a gap is visible.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    lookup(lang, key).unwrap_or(key)
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    STRINGS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| match lang {
            Lang::En => *en,
            Lang::Zh => *zh,
        })
}

/// A role's display name.
pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Owner => t(lang, "role.owner"),
        Role::Admin => t(lang, "role.admin"),
        Role::Developer => t(lang, "role.developer"),
        Role::Viewer => t(lang, "role.viewer"),
    }
}

/// What to tell the user about an error.
pub fn error_text(lang: Lang, error: &AppError) -> String {
    let code = |c: &str| {
        lookup(lang, &format!("err.{c}"))
            .map(str::to_owned)
            .unwrap_or_else(|| c.to_owned())
    };
    match error {
        AppError::Unauthenticated => code("unauthenticated"),
        AppError::BadCredentials => code("credentials"),
        AppError::Forbidden => code("forbidden"),
        AppError::NotFound => code("not_found"),
        AppError::Invalid { code: c, .. } | AppError::Conflict { code: c } => code(c),
        AppError::TooManyRequests { retry_after_secs } => {
            format!("{} ({}s)", code("too_many"), retry_after_secs)
        }
        AppError::Cloud {
            code: c, message, ..
        } => format!("{c}: {message}"),
        AppError::Network { .. } => code("network"),
        AppError::Internal { reference } => format!("{} ({reference})", code("internal")),
    }
}

/// (key, English, Chinese)
const STRINGS: &[(&str, &str, &str)] = &[
    ("app.title", "MPS Callback Console", "MPS 回调控制台"),
    ("app.short", "Console", "控制台"),
    ("a11y.skip", "Skip to content", "跳到正文"),
    ("action.cancel", "Cancel", "取消"),
    ("action.confirm", "Confirm", "确认"),
    ("action.create", "Create", "新建"),
    ("action.dismiss", "Dismiss", "关闭"),
    ("action.remove", "Remove", "移除"),
    ("action.revoke", "Revoke", "撤销"),
    ("action.save", "Save", "保存"),
    ("action.sign_out", "Sign out", "退出登录"),
    ("field.display_name", "Name", "姓名"),
    ("field.email", "Email", "邮箱"),
    ("field.password", "Password", "密码"),
    ("field.new_password", "Choose a password", "设置密码"),
    ("field.password_hint", "At least 10 characters.", "至少 10 个字符。"),
    ("field.role", "Role", "角色"),
    ("field.team_name", "Team name", "团队名称"),
    ("role.owner", "Owner", "所有者"),
    ("role.admin", "Admin", "管理员"),
    ("role.developer", "Developer", "开发者"),
    ("role.viewer", "Viewer", "只读成员"),
    ("nav.label", "Console navigation", "控制台导航"),
    ("nav.breadcrumb", "Breadcrumb", "面包屑"),
    ("nav.overview", "Overview", "概览"),
    ("nav.group_team", "Team", "团队"),
    ("nav.members", "Members", "成员管理"),
    ("nav.new_team", "New team", "新建团队"),
    ("nav.group_account", "Account", "账号"),
    ("nav.group_settings", "Settings", "设置"),
    ("nav.cloud", "Cloud account", "云账号"),
    ("cloud.intro", "The cloud this team's functions, triggers, tasks and buckets live in: the console's built-in emulator, or your Tencent Cloud account.", "本团队的函数、触发器、任务和存储桶所在的云：控制台内置的模拟器，或您的腾讯云账号。"),
    ("cloud.kind", "Cloud", "云"),
    ("cloud.emulator", "Built-in emulator (offline)", "内置模拟器（离线）"),
    ("cloud.tencent", "Tencent Cloud", "腾讯云"),
    ("cloud.key_hidden", "Stored encrypted; never shown", "已加密保存，不会显示"),
    ("cloud.endpoint", "API endpoint", "API 地址"),
    ("cloud.updated", "Last changed", "最近修改"),
    ("cloud.change", "Change cloud account", "修改云账号"),
    ("cloud.key_keep", "Leave blank to keep the stored key", "留空则保留已保存的密钥"),
    ("cloud.key_hint", "Create an API key in Tencent Cloud's CAM console. The key is encrypted and can only be replaced, not read back.", "请在腾讯云访问管理控制台创建 API 密钥。密钥加密保存，只能替换，无法读回。"),
    ("cloud.saved", "Cloud account saved", "云账号已保存"),
    ("nav.sessions", "Login sessions", "登录会话"),
    ("topbar.team", "Current team", "当前团队"),
    ("topbar.switch", "Switch", "切换"),
    ("topbar.region", "Region", "地域"),
    ("topbar.region_hint", "Regions are chosen on the cloud resource pages.", "地域在云资源页面中选择。"),
    ("topbar.region_placeholder", "Region: per page", "地域：按页面选择"),
    ("state.loading", "Loading…", "加载中…"),
    ("table.actions", "Actions", "操作"),
    ("login.title", "Sign in", "登录"),
    ("login.submit", "Sign in", "登录"),
    ("login.signing_in", "Signing in…", "登录中…"),
    ("login.invite_note", "No account? Ask a team admin for an invitation link.", "没有账号？请向团队管理员索取邀请链接。"),
    ("setup.title", "Set up the console", "初始化控制台"),
    ("setup.intro", "Create the first team and its owner account. This page is only available until an owner exists.", "创建第一个团队及其所有者账号。创建所有者后此页面将不再可用。"),
    ("setup.submit", "Create owner and sign in", "创建所有者并登录"),
    ("invite.title", "Join a team", "加入团队"),
    ("invite.team", "Team", "团队"),
    ("invite.expires", "Expires", "过期时间"),
    ("invite.accept", "Accept invitation", "接受邀请"),
    ("invites.new", "Invite a member", "邀请成员"),
    ("invites.create", "Create invitation link", "生成邀请链接"),
    ("invites.link", "Invitation link", "邀请链接"),
    ("invites.link_once", "Copy this link and send it to the invitee. It is shown only once.", "请复制此链接发送给被邀请人，链接仅显示一次。"),
    ("invites.pending", "Pending invitations", "待接受的邀请"),
    ("invites.empty", "No pending invitations", "暂无待接受的邀请"),
    ("invites.by", "Invited by", "邀请人"),
    ("invites.revoke_title", "Revoke invitation", "撤销邀请"),
    ("invites.revoke_confirm", "The link will stop working. Invitation for", "链接将立即失效。被邀请人："),
    ("invites.revoked", "Invitation revoked", "邀请已撤销"),
    ("members.empty", "No members", "暂无成员"),
    ("members.joined", "Joined", "加入时间"),
    ("members.remove_title", "Remove member", "移除成员"),
    ("members.remove_confirm", "They lose access to this team at once:", "对方将立即失去此团队的访问权限："),
    ("members.removed", "Member removed", "成员已移除"),
    ("members.role_changed", "Role changed", "角色已修改"),
    ("sessions.intro", "Devices signed in to your account. Revoking one signs that browser out on its next request.", "已登录您账号的设备。撤销后，该浏览器将在下一次请求时退出登录。"),
    ("sessions.device", "Device", "设备"),
    ("sessions.ip", "IP address", "IP 地址"),
    ("sessions.signed_in", "Signed in", "登录时间"),
    ("sessions.last_seen", "Last active", "最近活动"),
    ("sessions.expires", "Expires", "过期时间"),
    ("sessions.this_one", "This browser", "当前浏览器"),
    ("sessions.empty", "No active sessions", "暂无活动会话"),
    ("sessions.revoke_title", "Revoke session", "撤销会话"),
    ("sessions.revoke_confirm", "That browser will be signed out on its next request.", "该浏览器将在下一次请求时退出登录。"),
    ("sessions.revoke_others", "Sign out all other sessions", "退出其他所有会话"),
    ("sessions.revoke_others_confirm", "Every other browser signed in to your account will be signed out.", "所有其他已登录您账号的浏览器都将退出登录。"),
    ("sessions.revoked", "Session revoked", "会话已撤销"),
    ("sessions.revoked_n", "Sessions revoked:", "已撤销会话数："),
    ("overview.title", "Overview", "概览"),
    ("overview.your_role", "Your role:", "您的角色："),
    ("overview.no_team", "You are not in any team", "您还没有加入任何团队"),
    ("overview.no_team_hint", "Create a team, or ask an admin for an invitation.", "新建一个团队，或向管理员索取邀请。"),
    ("overview.pipeline", "The video task callback pipeline this console sets up:", "本控制台配置的视频任务回调流程："),
    ("overview.step_mps", "An MPS video-processing task finishes", "MPS 视频处理任务完成"),
    ("overview.step_trigger", "The MPS trigger fires", "MPS 触发器被触发"),
    ("overview.step_scf", "The cloud function runs and logs what happened", "云函数运行并记录日志"),
    ("overview.step_cos", "Its results land in COS", "结果写入 COS"),
    ("overview.members_hint", "Invite teammates and give them a role.", "邀请团队成员并为其分配角色。"),
    ("notfound.title", "Page not found", "页面不存在"),
    ("notfound.home", "Back to the console", "返回控制台"),
    ("err.unauthenticated", "Please sign in again.", "请重新登录。"),
    ("err.forbidden", "Your role does not allow this.", "您的角色无权执行此操作。"),
    ("err.not_found", "Not found, or not in your team.", "资源不存在，或不属于您的团队。"),
    ("err.too_many", "Too many failed attempts. Try again later.", "失败次数过多，请稍后再试。"),
    ("err.network", "The server could not be reached.", "无法连接服务器。"),
    ("err.internal", "Something went wrong on the server.", "服务器出错。"),
    ("err.bad_request", "The request was malformed.", "请求格式错误。"),
    ("err.credentials", "Email or password is incorrect.", "邮箱或密码错误。"),
    ("err.email_invalid", "Enter a valid email address.", "请输入有效的邮箱地址。"),
    ("err.email_taken", "An account with this email already exists.", "该邮箱已注册。"),
    ("err.password_too_short", "The password needs at least 10 characters.", "密码至少需要 10 个字符。"),
    ("err.password_too_long", "The password may have at most 128 characters.", "密码最多 128 个字符。"),
    ("err.name_required", "This field is required.", "此项为必填项。"),
    ("err.name_too_long", "At most 64 characters.", "最多 64 个字符。"),
    ("err.role_unknown", "Unknown role.", "未知角色。"),
    ("err.already_set_up", "The console already has an owner. Sign in instead.", "控制台已有所有者，请直接登录。"),
    ("err.invite_invalid", "This invitation link is invalid, used or revoked.", "邀请链接无效、已使用或已撤销。"),
    ("err.invite_expired", "This invitation has expired. Ask for a new one.", "邀请已过期，请重新索取。"),
    ("err.already_member", "This person is already a member of the team.", "此人已是团队成员。"),
    ("err.last_owner", "A team needs at least one owner.", "团队至少需要一名所有者。"),
    ("err.cannot_change_self", "You cannot change or remove your own membership here.", "不能在此修改或移除您自己的成员身份。"),
    ("err.cloud_kind_unknown", "Choose the emulator or Tencent Cloud.", "请选择模拟器或腾讯云。"),
    ("err.secret_id_invalid", "Enter the SecretId of an API key (AKID…).", "请输入 API 密钥的 SecretId（AKID…）。"),
    ("err.secret_key_required", "Enter the SecretKey.", "请输入 SecretKey。"),
    ("err.app_id_invalid", "The APPID is a number.", "APPID 应为数字。"),
    ("err.no_team", "Join or create a team first.", "请先加入或新建团队。"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = STRINGS.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate i18n key");
    }

    #[test]
    fn every_key_used_in_the_source_exists() {
        let mut missing = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("src is readable") {
                    stack.push(entry.expect("entry").path());
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source is utf-8");
            for piece in text.split("t(lang, \"").skip(1) {
                let key = piece.split('"').next().unwrap_or_default();
                if lookup(Lang::En, key).is_none() {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "missing i18n keys: {missing:?}");
    }

    #[test]
    fn chinese_codes_parse() {
        assert_eq!(Lang::from_code("zh-CN,zh;q=0.9"), Lang::Zh);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(t(Lang::Zh, "login.title"), "登录");
    }

    #[test]
    fn error_codes_have_text() {
        let e = AppError::invalid("email", "email_taken");
        assert_eq!(
            error_text(Lang::En, &e),
            "An account with this email already exists."
        );
        let unknown = AppError::invalid("x", "something_new");
        assert_eq!(error_text(Lang::En, &unknown), "something_new");
    }
}
