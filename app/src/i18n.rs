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

    /// The `X-TC-Language` that asks Tencent Cloud for messages in this language.
    pub fn cloud_language(self) -> &'static str {
        match self {
            Lang::En => "en-US",
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
    entry(key).map(|(_, en, zh)| match lang {
        Lang::En => *en,
        Lang::Zh => *zh,
    })
}

/// The table's row for `key`. The server renders every page with a hundred lookups or
/// so, so it keeps an index; the browser scans (an index would only add to the WASM).
#[cfg(feature = "ssr")]
fn entry(key: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    use std::collections::HashMap;
    use std::sync::LazyLock;
    static INDEX: LazyLock<HashMap<&'static str, usize>> = LazyLock::new(|| {
        STRINGS
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| (*k, i))
            .collect()
    });
    INDEX.get(key).map(|&i| &STRINGS[i])
}

#[cfg(not(feature = "ssr"))]
fn entry(key: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    STRINGS.iter().find(|(k, _, _)| *k == key)
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
        AppError::Invalid { field, code: c, .. }
            if c == crate::error::BAD_REQUEST && field != "request" =>
        {
            format!("{} ({field})", code(c))
        }
        AppError::Invalid { code: c, .. } | AppError::Conflict { code: c } => code(c),
        AppError::TooManyRequests { retry_after_secs } => {
            // Minutes, rounded up, once the wait is a minute or more ("15 min", not "873 s").
            let wait = match *retry_after_secs {
                s if s >= 60 => format!("{} {}", s.div_ceil(60), t(lang, "unit.minutes")),
                s => format!("{s} {}", t(lang, "unit.seconds")),
            };
            code("too_many").replace("{}", &wait)
        }
        AppError::Cloud {
            code: c,
            message,
            request_id,
        } => {
            let message = cloud_message(lang, c, message);
            if request_id.is_empty() {
                format!("{c}: {message}")
            } else {
                format!("{c}: {message} (RequestId: {request_id})")
            }
        }
        AppError::CloudUnreachable { message } => {
            format!("{}: {message}", code("cloud_unreachable"))
        }
        AppError::Network { .. } => code("network"),
        AppError::Internal { reference } => format!("{} ({reference})", code("internal")),
        AppError::Unavailable { reference } => format!("{} ({reference})", code("unavailable")),
    }
}

/// A cloud error's message in `lang`. Tencent Cloud answers in Chinese when asked, but COS
/// and the emulator's rarer errors answer in English whatever the language: for the codes
/// a console user meets, a Chinese page says what happened in Chinese (the code and
/// RequestId still show the cloud's own answer).
pub fn cloud_message<'a>(lang: Lang, code: &str, message: &'a str) -> std::borrow::Cow<'a, str> {
    let english = !message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    match CLOUD_ZH.iter().find(|(c, _)| *c == code) {
        Some((_, zh)) if lang == Lang::Zh && english => std::borrow::Cow::Borrowed(*zh),
        _ => std::borrow::Cow::Borrowed(message),
    }
}

/// The note the built-in emulator gives a task whose outputs are copies of its input
/// (its `Message`, in English as MPS writes task messages).
pub const PLACEHOLDER_NOTE: &str =
    "outputs are placeholders: copies of the input (ffmpeg is not installed or cannot read it)";

/// A task's message in `lang`: the emulator's own note translated, others as the cloud
/// wrote them.
pub fn task_message(lang: Lang, message: &str) -> &str {
    match lang {
        Lang::Zh if message == PLACEHOLDER_NOTE => {
            "输出为占位文件：输入的副本（未安装 ffmpeg，或 ffmpeg 无法读取输入）"
        }
        _ => message,
    }
}

/// Chinese for the cloud error codes the console's pages can meet.
const CLOUD_ZH: &[(&str, &str)] = &[
    ("NoSuchBucket", "存储桶不存在。"),
    ("NoSuchKey", "对象不存在。"),
    ("AccessDenied", "访问被拒绝：该存储桶或对象不属于此账号。"),
    ("ResourceNotFound.CosBucketNotExist", "输入的存储桶不存在。"),
    (
        "ResourceNotFound.CosObjectNotExist",
        "输入的对象在存储桶中不存在。",
    ),
    ("ResourceNotFound.Function", "函数不存在。"),
    ("ResourceNotFound.FunctionName", "函数不存在。"),
    ("ResourceNotFound.Namespace", "命名空间不存在。"),
    ("ResourceNotFound.Trigger", "触发器不存在。"),
    ("ResourceNotFound.WorkflowNotExist", "工作流不存在。"),
    ("ResourceInUse.FunctionName", "同名函数已存在。"),
    (
        "ResourceInUse.Trigger",
        "该事件类型已绑定到其他函数：每个事件类型在一个账号下只能绑定一个函数。",
    ),
    (
        "FailedOperation.QcsRoleNotFound",
        "服务角色未授权，请先授权 SCF_QcsRole 和 MPS_QcsRole。",
    ),
    (
        "FailedOperation.FunctionStatusError",
        "函数当前状态不允许此操作，请等待函数变为正常状态。",
    ),
    (
        "FailedOperation.BucketNotifyAlreadyExist",
        "已有其他工作流监听该存储桶目录的上传，请先停用它。",
    ),
    (
        "InvalidParameterValue.SessionId",
        "SessionId 无效或在 3 天内已使用过。",
    ),
    ("RequestLimitExceeded", "请求频率超过限制，请稍后重试。"),
    ("LimitExceeded", "请求超出限制。"),
];

/// (key, English, Chinese)
const STRINGS: &[(&str, &str, &str)] = &[
    ("app.title", "MPS Callback Console", "MPS 回调控制台"),
    ("app.short", "Console", "控制台"),
    ("a11y.skip", "Skip to content", "跳到正文"),
    ("action.copy", "Copy", "复制"),
    ("action.edit", "Edit", "编辑"),
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
    ("invite.sign_in_instead", "Already a member? Sign in", "已是成员？去登录"),
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
    ("cloud.not_saved", "Nothing was saved: the team still uses the cloud account shown above.", "未保存任何更改：团队仍在使用上方显示的云账号。"),
    ("cloud.emulator", "Built-in emulator (offline)", "内置模拟器（离线）"),
    ("cloud.tencent", "Tencent Cloud", "腾讯云"),
    ("cloud.key_hidden", "Stored encrypted; never shown", "已加密保存，不会显示"),
    ("cloud.endpoint", "API endpoint", "API 地址"),
    ("cloud.updated", "Last changed", "最近修改"),
    ("cloud.change", "Change cloud account", "修改云账号"),
    ("cloud.key_keep", "Leave blank to keep the stored key", "留空则保留已保存的密钥"),
    ("cloud.key_hint", "Create an API key in Tencent Cloud's CAM console. The console checks it with Tencent Cloud before saving; it is stored encrypted and can only be replaced, not read back.", "请在腾讯云访问管理控制台创建 API 密钥。保存前控制台会向腾讯云校验密钥；密钥加密保存，只能替换，无法读回。"),
    ("cloud.saved", "Cloud account saved", "云账号已保存"),
    ("nav.sessions", "Login sessions", "登录会话"),
    ("topbar.team", "Current team", "当前团队"),
    ("topbar.switch", "Switch", "切换"),
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
    ("invites.link_for", "Invitation for", "邀请对象："),
    ("invites.copied", "Link copied", "链接已复制"),
    ("invites.copy_failed", "Could not copy: select the link and copy it yourself.", "无法复制，请选中链接后手动复制。"),
    ("invites.link_once", "Copy this link and send it to the invitee. It is shown only once; a new invitation to the same address replaces it.", "请复制此链接发送给被邀请人，链接仅显示一次；向同一邮箱再次邀请将使其失效。"),
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
    ("overview.wizard_hint", "New here? The setup wizard creates the function, binds the MPS trigger and runs a test task, step by step.", "第一次使用？快速配置向导会一步步创建函数、绑定 MPS 触发器并运行测试任务。"),
    ("overview.open_wizard", "Start the setup wizard", "开始快速配置"),
    ("overview.members_hint", "Invite teammates and give them a role.", "邀请团队成员并为其分配角色。"),
    ("overview.members_view_hint", "See who is in the team and their roles.", "查看团队成员及其角色。"),
    ("overview.viewer_hint", "As a viewer you see the team's functions, triggers, logs and files; an owner, admin or developer makes the changes.", "作为只读成员，您可以查看团队的函数、触发器、日志和文件；更改由所有者、管理员或开发者进行。"),
    ("notfound.title", "Page not found", "页面不存在"),
    ("notfound.home", "Back to the console", "返回控制台"),
    ("action.back", "Back", "上一步"),
    ("action.close", "Close", "关闭"),
    ("action.complete", "Complete", "完成"),
    ("action.delete", "Delete", "删除"),
    ("action.next", "Next", "下一步"),
    ("action.search", "Search", "搜索"),
    ("action.submit", "Submit", "提交"),
    ("nav.group_cloud", "Cloud services", "云服务"),
    ("nav.functions", "Functions", "函数服务"),
    ("nav.audit", "Audit log", "操作审计"),
    ("pager.label", "Pages", "分页"),
    ("pager.next", "Next", "下一页"),
    ("pager.prev", "Previous", "上一页"),
    ("pager.total", "Total", "共"),
    ("steps.label", "Steps", "步骤"),
    ("status.active", "Active", "正常"),
    ("status.creating", "Creating", "创建中"),
    ("status.updating", "Updating", "更新中"),
    ("status.create_failed", "Creation failed", "创建失败"),
    ("scf.region", "Region", "地域"),
    ("scf.region_unknown", "Showing Beijing: no SCF region has the ID", "正在显示北京：没有 ID 为此值的 SCF 地域："),
    ("scf.namespace", "Namespace", "命名空间"),
    ("scf.new", "New", "新建"),
    ("scf.search", "Search by function name", "按函数名搜索"),
    ("scf.empty", "No functions in this namespace yet.", "此命名空间下还没有函数。"),
    ("scf.no_match", "No function matches this name.", "没有匹配的函数。"),
    ("scf.page_empty", "No functions on this page.", "此页没有函数。"),
    ("scf.empty_hint", "Click New to create one, e.g. from the MPS Webhook template.", "点击“新建”创建函数，例如使用 MPS Webhook 模板。"),
    ("scf.col.name", "Function name", "函数名称"),
    ("scf.col.status", "Status", "状态"),
    ("scf.col.runtime", "Runtime", "运行环境"),
    ("scf.col.description", "Description", "描述"),
    ("scf.col.created", "Created", "创建时间"),
    ("scf.col.modified", "Modified", "修改时间"),
    ("scf.new_title", "Create function", "新建函数"),
    ("scf.step_basic", "Basic information", "基础配置"),
    ("scf.step_config", "Function configuration", "函数配置"),
    ("scf.method", "Creation method", "创建方式"),
    ("scf.method_template", "Template", "模板创建"),
    ("scf.method_blank", "Blank function", "空白函数"),
    ("scf.template_search", "Fuzzy search templates", "模糊搜索模板"),
    ("scf.template_search_hint", "e.g. MPS Webhook template", "例如 MPS Webhook 模板"),
    ("scf.templates", "Templates", "模板"),
    ("scf.template_none", "No template matches.", "没有匹配的模板。"),
    ("scf.template_none_hint", "Try fewer or other words, in English or Chinese.", "请尝试更少或其他关键词（中英文均可）。"),
    ("scf.template_details", "View details", "查看详情"),
    ("scf.template_download", "Download template", "下载模板"),
    ("scf.template_use", "Use this template", "使用此模板"),
    ("scf.pick_template_hint", "Select a template above (click its card) to continue.", "请先在上方选择一个模板（点击模板卡片）再继续。"),
    ("scf.basic", "Basic settings", "基础设置"),
    ("scf.name_rule", "2–60 characters: letters, digits, - and _; starts with a letter, ends with a letter or digit.", "2 到 60 个字符：字母、数字、- 和 _，以字母开头，以字母或数字结尾。"),
    ("scf.runtime_hint", "Set by the template. Task callback templates support only Nodejs 8.9.", "由模板决定。任务回调模板目前仅支持 Nodejs 8.9。"),
    ("scf.runtime_hint_blank", "A blank function starts as a Nodejs 8.9 hello world, the runtime of the task callback templates.", "空白函数以 Nodejs 8.9 的 Hello World 代码开始，与任务回调模板的运行环境相同。"),
    ("scf.handler", "Handler", "执行方法"),
    ("scf.memory", "Memory", "内存"),
    ("scf.timeout", "Timeout (s)", "执行超时时间（秒）"),
    ("scf.timeout_hint", "1 to 900 seconds.", "1 到 900 秒。"),
    ("scf.variables_line", "Line {}: ", "第 {} 行："),
    ("scf.variables", "Environment variables", "环境变量"),
    ("scf.variables_hint", "One KEY=VALUE per line. The MPS Webhook template posts to WEBHOOK_URL when set.", "每行一个 KEY=VALUE。设置 WEBHOOK_URL 后，MPS Webhook 模板会向其推送消息。"),
    ("scf.edit_title", "Edit configuration", "编辑配置"),
    ("scf.saved", "Configuration saved", "配置已保存"),
    ("scf.variables_hint_blank", "One KEY=VALUE per line; the code reads them from process.env.", "每行一个 KEY=VALUE，代码可通过 process.env 读取。"),
    ("scf.exec_role", "Execution role", "执行角色"),
    ("scf.exec_role_hint", "Optional. With a role the function gets temporary credentials to write its summary to COS.", "可选。配置角色后，函数将获得临时密钥以向 COS 写入摘要。"),
    ("scf.exec_role_hint_blank", "Optional. With a role the function gets temporary credentials (TENCENTCLOUD_SECRETID, …) to call other services.", "可选。配置角色后，函数将获得临时密钥（TENCENTCLOUD_SECRETID 等）以调用其他服务。"),
    ("scf.creating", "Creating the function… status:", "正在创建函数……状态："),
    ("scf.back_to_list", "← Functions", "← 函数列表"),
    ("scf.tab_config", "Function configuration", "函数配置"),
    ("scf.tab_code", "Code", "函数代码"),
    ("scf.tab_triggers", "Trigger management", "触发管理"),
    ("scf.tab_logs", "Log query", "日志查询"),
    ("scf.no_variables", "No environment variables.", "没有环境变量。"),
    ("scf.var_key", "Key", "键"),
    ("scf.var_value", "Value", "值"),
    ("scf.delete", "Delete function", "删除函数"),
    ("scf.delete_title", "Delete this function?", "确认删除此函数？"),
    ("scf.delete_message", "Its triggers and logs go with it. Function:", "其触发器与日志将一并删除。函数："),
    ("scf.deleted", "Function deleted.", "函数已删除。"),
    ("trigger.create", "Create trigger", "创建触发器"),
    ("trigger.created", "Trigger created.", "触发器已创建。"),
    ("trigger.deleted", "Trigger deleted.", "触发器已删除。"),
    ("trigger.empty", "This function has no triggers.", "此函数还没有触发器。"),
    ("trigger.empty_hint", "Create an MPS trigger to run it when a media task finishes.", "创建 MPS 触发器，在媒体处理任务完成时运行此函数。"),
    ("trigger.col.name", "Trigger", "触发器"),
    ("trigger.col.type", "Trigger method", "触发方式"),
    ("trigger.col.event", "Event type", "事件类型"),
    ("trigger.col.status", "Status", "状态"),
    ("trigger.col.created", "Created", "创建时间"),
    ("trigger.mps", "MPS trigger", "MPS 触发器"),
    ("trigger.workflow_task", "Workflow task", "工作流任务"),
    ("trigger.edit_media_task", "Video editing task", "视频编辑任务"),
    ("trigger.enabled", "Enabled", "已开启"),
    ("trigger.disabled", "Disabled", "已关闭"),
    ("trigger.account_wide", "Event types are account-wide: each can be bound to one function only.", "事件类型为账号级：每类事件只能绑定一个函数。"),
    ("trigger.held_by", "This event type is already bound to", "该事件类型已绑定到"),
    ("trigger.held_hint", "delete that trigger first.", "请先删除该触发器。"),
    ("trigger.held_here", "This function already has a trigger for this event type.", "该函数已有此事件类型的触发器。"),
    ("trigger.delete_title", "Delete this trigger?", "确认删除此触发器？"),
    ("trigger.delete_message", "Events will no longer reach the function. Trigger:", "事件将不再触发此函数。触发器："),
    ("roles.title", "Service roles", "服务角色"),
    ("roles.normal", "Normal", "正常"),
    ("roles.abnormal", "Abnormal: not authorized", "异常：未授权"),
    ("roles.authorize", "Authorize", "授权"),
    ("roles.policy", "Policy:", "策略："),
    ("roles.needed", "The MPS trigger needs both service roles. Authorize them to continue.", "MPS 触发器需要这两个服务角色，请先授权。"),
    ("logs.range", "Time range", "时间范围"),
    ("logs.range_15m", "Last 15 minutes", "近 15 分钟"),
    ("logs.range_1h", "Last hour", "近 1 小时"),
    ("logs.range_1d", "Last 24 hours", "近 24 小时"),
    ("logs.range_custom", "Custom", "自定义"),
    ("logs.start", "From", "开始"),
    ("logs.end", "To", "结束"),
    ("logs.outcome", "Status", "状态"),
    ("logs.all", "All", "全部"),
    ("logs.success", "Success", "调用成功"),
    ("logs.failure", "Failure", "调用失败"),
    ("logs.running", "Running", "运行中"),
    ("logs.retry_num", "Retry number (earlier attempts at this event): ", "重试次数（此前对同一事件的调用）："),
    ("logs.live", "Live tail", "实时刷新"),
    ("logs.empty", "No invocations in this range.", "该时间范围内没有调用记录。"),
    ("logs.empty_hint", "Range queried:", "查询范围："),
    ("logs.start_time", "Start time", "开始时间"),
    ("logs.duration", "Duration", "运行时间"),
    ("logs.billed", "Billed", "计费时间"),
    ("logs.memory", "Memory", "内存"),
    ("logs.status", "Status", "状态"),
    ("logs.returned", "Return value", "返回值"),
    ("audit.intro", "Changes made through the console to the team's cloud resources (with the cloud's RequestId), members and cloud account.", "通过控制台对团队云资源（附云端 RequestId）、成员和云账号所做的变更。"),
    ("audit.empty", "Nothing has been changed yet.", "暂无变更记录。"),
    ("audit.when", "Time", "时间"),
    ("audit.who", "Member", "成员"),
    ("audit.what", "Action", "操作"),
    ("audit.target", "Resource", "资源"),
    ("audit.function_created", "Function created", "创建函数"),
    ("audit.function_deleted", "Function deleted", "删除函数"),
    ("audit.role_authorized", "Service role authorized", "授权服务角色"),
    ("audit.trigger_bound", "Trigger bound", "绑定触发器"),
    ("audit.trigger_deleted", "Trigger deleted", "删除触发器"),
    ("audit.task_started", "Media task started", "发起媒体处理任务"),
    ("audit.cloud_account_saved", "Cloud account saved", "保存云账号"),
    ("audit.function_updated", "Function configuration changed", "修改函数配置"),
    ("audit.invite_created", "Invitation created", "创建邀请"),
    ("audit.invite_revoked", "Invitation revoked", "撤销邀请"),
    ("audit.member_joined", "Member joined", "成员加入"),
    ("audit.member_role_changed", "Member role changed", "变更成员角色"),
    ("audit.member_removed", "Member removed", "移除成员"),
    ("err.required", "This field is required.", "此项为必填项。"),
    ("err.function_name_length", "2 to 60 characters.", "长度为 2 到 60 个字符。"),
    ("err.function_name_start", "Must start with a letter.", "必须以字母开头。"),
    ("err.function_name_chars", "Only letters, digits, - and _.", "只能包含字母、数字、- 和 _。"),
    ("err.function_name_end", "Must end with a letter or digit.", "必须以字母或数字结尾。"),
    ("err.description_too_long", "At most 1000 characters.", "最多 1000 个字符。"),
    ("err.description_chars", "Only letters, digits, spaces, commas, periods and line breaks.", "只能包含字母、数字、空格、逗号、句号和换行。"),
    ("err.memory_invalid", "64 MB, or 128 to 3072 MB in steps of 128.", "64 MB，或 128 到 3072 MB 之间 128 的倍数。"),
    ("err.timeout_invalid", "Enter a whole number of seconds from 1 to 900.", "请输入 1 到 900 之间的整数秒数。"),
    ("err.variable_format", "Each line is KEY=VALUE, both non-empty.", "每行格式为 KEY=VALUE，且均不能为空。"),
    ("err.variable_reserved", "SCF_*, TENCENTCLOUD_*, NODE_*, LD_*, _*, PATH, HOME and QCLOUD_APPID are reserved for the platform.", "SCF_*、TENCENTCLOUD_*、NODE_*、LD_*、_*、PATH、HOME 和 QCLOUD_APPID 为平台保留。"),
    ("err.variable_value_chars", "A value cannot hold control or invisible characters (such as text direction marks).", "变量值不能包含控制字符或不可见字符（如文字方向标记）。"),
    ("err.variable_key_invalid", "A variable name starts with a letter and has only letters, digits and _ (at most 64).", "变量名须以字母开头，只含字母、数字和 _（最多 64 个字符）。"),
    ("err.role_invalid", "A role name has only letters, digits and +=,.@_- (at most 128).", "角色名只能包含字母、数字和 +=,.@_-（最多 128 个字符）。"),
    ("err.variable_duplicate", "A variable appears twice.", "变量重复。"),
    ("err.variables_too_big", "Variables may total at most 4 KB.", "环境变量总计不能超过 4 KB。"),
    ("err.template_unknown", "Choose a template.", "请选择模板。"),
    ("err.region_unknown", "Unknown region, or one without SCF.", "未知地域，或该地域不支持云函数。"),
    ("err.event_type_unknown", "Choose WorkflowTask or EditMediaTask.", "请选择 WorkflowTask 或 EditMediaTask。"),
    ("err.service_role_unknown", "Only SCF_QcsRole and MPS_QcsRole can be authorized here.", "此处只能授权 SCF_QcsRole 和 MPS_QcsRole。"),
    ("err.range_incomplete", "Choose both a start and an end time.", "请选择开始时间和结束时间。"),
    ("err.range_invalid", "Choose a time range with its start before its end.", "请选择开始早于结束的时间范围。"),
    ("err.outcome_unknown", "Choose all, success or failure.", "请选择全部、成功或失败。"),
    ("err.request_id_invalid", "That is not a RequestId.", "RequestId 格式不正确。"),
    ("err.unauthenticated", "Please sign in again.", "请重新登录。"),
    ("err.forbidden", "Your role does not allow this.", "您的角色无权执行此操作。"),
    ("err.not_found", "Not found, or not in your team.", "资源不存在，或不属于您的团队。"),
    ("err.too_many", "Too many failed attempts. Try again in {}.", "失败次数过多，请在 {}后再试。"),
    ("unit.seconds", "s", "秒"),
    ("unit.minutes", "min", "分钟"),
    ("err.network", "The server could not be reached.", "无法连接服务器。"),
    ("err.cloud_unreachable", "No usable answer from the cloud API", "未能从云 API 获得有效响应"),
    ("err.internal", "Something went wrong on the server.", "服务器出错。"),
    ("err.bad_request", "The request was malformed.", "请求格式错误。"),
    ("err.credentials", "Email or password is incorrect.", "邮箱或密码错误。"),
    ("err.email_invalid", "Enter a valid email address.", "请输入有效的邮箱地址。"),
    ("err.email_taken", "An account with this email already exists.", "该邮箱已注册。"),
    ("err.password_too_short", "The password needs at least 10 characters.", "密码至少需要 10 个字符。"),
    ("err.password_blank", "A password cannot be only spaces.", "密码不能全为空格。"),
    ("err.password_too_long", "The password may have at most 128 characters.", "密码最多 128 个字符。"),
    ("err.name_required", "This field is required.", "此项为必填项。"),
    ("err.name_too_long", "At most 64 characters.", "最多 64 个字符。"),
    ("err.name_chars", "Names cannot hold control or invisible characters (such as text direction marks).", "名称不能包含控制字符或不可见字符（如文字方向标记）。"),
    ("err.role_unknown", "Unknown role.", "未知角色。"),
    ("err.role_not_invitable", "An invitation cannot make an owner: invite them as an admin, then make them an owner on this page once they have joined.", "邀请不能直接设为所有者：请以管理员身份邀请，对方加入后再在本页设为所有者。"),
    ("err.already_set_up", "The console already has an owner. Sign in instead.", "控制台已有所有者，请直接登录。"),
    ("err.invite_invalid", "This invitation link is invalid, used or revoked.", "邀请链接无效、已使用或已撤销。"),
    ("err.invite_expired", "This invitation has expired. Ask for a new one.", "邀请已过期，请重新索取。"),
    ("err.already_member", "This person is already a member of the team.", "此人已是团队成员。"),
    ("err.bucket_missing", "COS_BUCKET is not a bucket of this account in COS_REGION; see Object storage.", "COS_BUCKET 不是本账号在 COS_REGION 地域的存储桶，请查看对象存储。"),
    ("err.unavailable", "The console's database is not reachable right now. Try again in a moment.", "控制台的数据库暂时无法访问，请稍后重试。"),
    ("err.marker_invalid", "That page of the listing does not exist.", "列表中没有这一页。"),
    ("err.team_name_taken", "You already have a team of this name.", "你已有同名团队。"),
    ("err.team_limit", "You belong to 50 teams: this account can create no more.", "你已属于 50 个团队，此账号无法再创建团队。"),
    ("err.last_owner", "A team needs at least one owner.", "团队至少需要一名所有者。"),
    ("err.cannot_change_self", "You cannot change or remove your own membership here.", "不能在此修改或移除您自己的成员身份。"),
    ("err.cloud_kind_unknown", "Choose the emulator or Tencent Cloud.", "请选择模拟器或腾讯云。"),
    ("err.secret_id_invalid", "Enter the SecretId of an API key (AKID…).", "请输入 API 密钥的 SecretId（AKID…）。"),
    ("err.secret_key_required", "Enter the SecretKey.", "请输入 SecretKey。"),
    ("err.app_id_invalid", "The APPID is a number.", "APPID 应为数字。"),
    ("err.no_team", "Join or create a team first.", "请先加入或新建团队。"),
    ("action.refresh", "Refresh", "刷新"),
    ("role.read_only", "Your role can only view.", "你的角色只能查看。"),
    ("role.your_role", "Your role", "你的角色"),
    ("role.read_only_notice", "can view this page but not change anything. An owner or admin can make you a Developer.", "只能查看此页，不能修改。所有者或管理员可将你设为开发者。"),
    ("nav.wizard", "Setup wizard", "快速配置"),
    ("nav.mps", "Media processing", "媒体处理"),
    ("nav.cos", "Object storage", "对象存储"),
    ("logs.keyword", "Keyword", "关键词"),
    ("scf.template", "Template", "模板"),
    ("scf.template_reads", "This template reads:", "此模板读取的环境变量："),
    ("scf.cos_bucket_missing", "Without COS_BUCKET the function stores no results in COS.", "未设置 COS_BUCKET 时，函数不会把结果写入 COS。"),
    ("code.not_shown", "The code is not shown", "不显示代码"),
    ("code.not_shown_hint", "The entry file is missing or larger than 1 MB.", "入口文件不存在或大于 1 MB。"),
    ("code.package", "Code package", "代码包"),
    ("code.read_only", "read-only", "只读"),
    ("cos.title", "Object storage (COS)", "对象存储 COS"),
    ("cos.all_buckets", "Buckets", "存储桶列表"),
    ("cos.path", "Path", "路径"),
    ("cos.bucket", "Bucket", "存储桶"),
    ("cos.region", "Region", "地域"),
    ("cos.created", "Created (UTC+8)", "创建时间 (UTC+8)"),
    ("cos.object", "Object", "对象"),
    ("cos.size", "Size", "大小"),
    ("cos.modified", "Modified (UTC+8)", "修改时间 (UTC+8)"),
    ("cos.actions", "Actions", "操作"),
    ("cos.download", "Download", "下载"),
    ("cos.empty", "No objects here", "此处没有对象"),
    ("cos.empty_hint", "Objects that tasks and functions write under this prefix show up here.", "任务和函数写入此前缀的对象会显示在这里。"),
    ("cos.no_buckets", "No buckets", "没有存储桶"),
    ("cos.no_buckets_hint", "Create a bucket in the COS console first.", "请先在 COS 控制台创建存储桶。"),
    ("cos.no_preview", "No preview for this type of object; download it instead.", "此类对象无法预览，请下载查看。"),
    ("cos.truncated", "Only the start of the object is shown.", "仅显示对象的开头部分。"),
    ("mps.title", "Media processing (MPS)", "媒体处理 MPS"),
    ("mps.start_title", "Start a task", "发起任务"),
    ("mps.kind", "Task", "任务类型"),
    ("mps.kind_process", "Video processing (ProcessMedia)", "视频处理（ProcessMedia）"),
    ("mps.kind_edit", "Edit media (EditMedia)", "视频编辑（EditMedia）"),
    ("mps.input_bucket", "Input bucket", "输入存储桶"),
    ("mps.object", "Input object", "输入对象"),
    ("mps.output_bucket", "Output bucket", "输出存储桶"),
    ("mps.output_dir", "Output folder", "输出目录"),
    ("mps.task_types", "Processing", "处理类型"),
    ("mps.transcode", "Transcode (template 10)", "转码（模板 10）"),
    ("mps.snapshot", "Snapshot at 1 s", "1 秒处截图"),
    ("mps.clip_start", "Clip start (s)", "剪辑开始（秒）"),
    ("mps.clip_end", "Clip end (s)", "剪辑结束（秒）"),
    ("mps.start", "Start task", "发起任务"),
    ("mps.starting", "Starting…", "正在发起…"),
    ("mps.started", "Task started:", "任务已发起："),
    ("mps.tasks", "Tasks", "任务列表"),
    ("mps.no_tasks", "No tasks yet", "暂无任务"),
    ("mps.no_tasks_hint", "Start a task above; its event goes to the function bound by the MPS trigger.", "在上方发起任务，任务事件会发送到 MPS 触发器绑定的函数。"),
    ("mps.col_type", "Type", "类型"),
    ("mps.status_finish", "Finished", "已完成"),
    ("mps.status_failed", "Failed", "失败"),
    ("mps.status_processing", "Processing", "处理中"),
    ("mps.status_waiting", "Waiting", "等待中"),
    ("mps.col_status", "Status", "状态"),
    ("mps.col_created", "Created (UTC+8)", "创建时间 (UTC+8)"),
    ("mps.col_invocation", "Invocation", "函数调用"),
    ("mps.col_outputs", "Outputs", "输出文件"),
    ("mps.see_invocation", "View log", "查看日志"),
    ("mps.waiting", "Waiting for the task", "等待任务完成"),
    ("mps.no_trigger", "No function bound", "未绑定函数"),
    ("wizard.title", "Setup wizard", "快速配置向导"),
    ("wizard.intro", "Three steps to an MPS task callback: a function, its MPS trigger, and a test run. Your team's progress is saved.", "三步完成 MPS 任务回调：创建函数、添加 MPS 触发器、运行测试。团队进度会自动保存。"),
    ("wizard.step1", "Create function", "创建函数"),
    ("wizard.step2", "Add MPS trigger", "添加 MPS 触发器"),
    ("wizard.step3", "Test", "测试"),
    ("wizard.cos_bucket_required", "Set COS_BUCKET (and COS_REGION): the wizard ends by reading the summary the function stores in that bucket.", "请设置 COS_BUCKET（及 COS_REGION）：向导最后会读取函数写入该存储桶的摘要。"),
    ("wizard.step1_text", "Create a function from the MPS Webhook template. It writes a summary of each finished task to COS.", "使用 MPS Webhook 模板创建函数，它会把每个完成任务的摘要写入 COS。"),
    ("wizard.step2_text", "Authorize the service roles, then bind the WorkflowTask event to the function. The binding is account-wide: one function per event type.", "授权服务角色，然后将 WorkflowTask 事件绑定到函数。绑定对整个账号生效：每种事件类型只能绑定一个函数。"),
    ("wizard.step3_text", "Run a video-processing task on the sample video, then see the function's log and the summary it stored.", "对示例视频发起视频处理任务，然后查看函数日志和写入的摘要。"),
    ("wizard.fn_description", "MPS task callback, set up by the wizard.", "MPS 任务回调，由快速配置创建。"),
    ("wizard.variables_hint", "COS_BUCKET and COS_REGION: where the summaries go.", "COS_BUCKET 和 COS_REGION：摘要写入的位置。"),
    ("wizard.create", "Create function", "创建函数"),
    ("wizard.exists", "A function with this name already exists.", "同名函数已存在。"),
    ("wizard.use_existing", "Use it", "使用该函数"),
    ("wizard.classic_create", "Open the classic page", "在经典页面中创建"),
    ("wizard.bind", "Bind trigger", "绑定触发器"),
    ("wizard.bound", "WorkflowTask events already go to this function.", "WorkflowTask 事件已绑定到此函数。"),
    ("wizard.next", "Next", "下一步"),
    ("wizard.classic_trigger", "Trigger management of the function", "函数的触发管理页面"),
    ("wizard.run", "Run workflow", "运行工作流"),
    ("wizard.classic_mps", "Open the MPS page", "打开媒体处理页面"),
    ("wizard.result", "Result", "结果"),
    ("wizard.task", "Task", "任务"),
    ("wizard.waiting", "Waiting for the task to finish and the function to run…", "等待任务完成并触发函数…"),
    ("wizard.open_log", "Open in Log query", "在日志查询中打开"),
    ("wizard.open_summary", "Summary in COS:", "COS 中的摘要："),
    ("wizard.done", "Done: MPS task events now reach your function.", "完成：MPS 任务事件已能送达你的函数。"),
    ("err.range_too_long", "At most one day per query.", "每次查询最多一天。"),
    ("err.range_future", "The range ends too far in the future.", "时间范围的结束时间过于遥远。"),
    ("err.logs_no_topic", "This function sends its logs to no CLS log topic, so they cannot be searched. Turn on log delivery for it in the SCF console.", "该函数未将日志投递到 CLS 日志主题，无法检索日志。请在云函数控制台为其开启日志投递。"),
    ("scf.create_failed", "The function could not be created. Status:", "函数创建失败。状态："),
    ("err.keyword_too_long", "At most 200 characters.", "最多 200 个字符。"),
    ("err.bucket_invalid", "Not a bucket name (name-appid).", "存储桶名称无效（名称-APPID）。"),
    ("err.key_invalid", "Not a valid object key.", "对象键无效。"),
    ("err.prefix_invalid", "Not a valid prefix.", "前缀无效。"),
    ("err.token_invalid", "Not a valid page token.", "分页标记无效。"),
    ("err.task_kind_unknown", "Unknown task type.", "未知的任务类型。"),
    ("err.output_dir_invalid", "A folder path that starts and ends with /, at most 256 characters, without empty, . or .. folders.", "须为以 / 开头和结尾的目录路径，最多 256 个字符，不能含空目录名、. 或 ..。"),
    ("err.task_types_required", "Choose at least one.", "至少选择一项。"),
    ("err.clip_invalid", "Enter the clip's start and end in seconds, the end after the start.", "请以秒为单位填写片段的开始和结束时间，结束须晚于开始。"),
    ("err.step_invalid", "Unknown step.", "未知步骤。"),
    ("err.namespace_invalid", "Not a valid namespace.", "命名空间无效。"),
    ("err.task_invalid", "Not a valid task id.", "任务 ID 无效。"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_cloud_messages_of_known_codes_are_explained_in_chinese() {
        let bucket = AppError::Cloud {
            code: "NoSuchBucket".into(),
            message: "The specified bucket does not exist.".into(),
            request_id: "r-1".into(),
        };
        assert_eq!(
            error_text(Lang::Zh, &bucket),
            "NoSuchBucket: 存储桶不存在。 (RequestId: r-1)"
        );
        assert_eq!(
            error_text(Lang::En, &bucket),
            "NoSuchBucket: The specified bucket does not exist. (RequestId: r-1)"
        );
        // The cloud's own Chinese stands, and unknown codes keep their message.
        assert_eq!(
            cloud_message(Lang::Zh, "NoSuchBucket", "存储桶不存在"),
            "存储桶不存在"
        );
        assert_eq!(cloud_message(Lang::Zh, "Odd.Code", "odd"), "odd");
        let mut codes: Vec<_> = CLOUD_ZH.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CLOUD_ZH.len(), "duplicate cloud code");
    }

    #[test]
    fn sign_in_waits_read_in_minutes_from_one_minute_on() {
        let wait = |s| AppError::TooManyRequests {
            retry_after_secs: s,
        };
        assert_eq!(
            error_text(Lang::En, &wait(873)),
            "Too many failed attempts. Try again in 15 min."
        );
        assert_eq!(
            error_text(Lang::Zh, &wait(60)),
            "失败次数过多，请在 1 分钟后再试。"
        );
        assert_eq!(
            error_text(Lang::En, &wait(59)),
            "Too many failed attempts. Try again in 59 s."
        );
    }

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
