"""Methods about the bot itself and how it gets updates: getMe, getUpdates, webhooks."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .core import Core, Described, WebhookState
from .errors import bad_request, conflict
from .params import Params

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


async def get_me(core: Core, p: Params) -> Any:
    """getMe: the bot's own User, with its bot-only fields."""
    me = core.bot.to_api()
    me.update(
        can_join_groups=True,
        can_read_all_group_messages=not core.privacy_mode,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return me


async def get_updates(core: Core, p: Params) -> Any:
    """getUpdates: confirm by offset, then return pending updates, long-polling if asked."""
    if core.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    limit = p.integer("limit")
    limit = 100 if limit is None or limit > 100 else max(limit, 1)
    timeout = max(p.integer("timeout") or 0, 0)
    if p.has("allowed_updates"):
        core.updates.set_allowed(p.obj("allowed_updates", "allowed updates"))
    core.updates.confirm(p.integer("offset"))
    return await core.updates.poll(limit, float(timeout))


async def set_webhook(core: Core, p: Params) -> Any:
    """setWebhook: deliver updates by HTTP POST instead of getUpdates."""
    url = p.text("url") or ""
    if not url:
        return await delete_webhook(core, p)
    parts = urlsplit(url)
    # Like a local Bot API server (--local), plain HTTP on any port is accepted.
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    max_connections = p.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = p.obj("allowed_updates", "allowed updates") if p.has("allowed_updates") else None
    if allowed is not None:
        core.updates.set_allowed(allowed)
    if p.flag("drop_pending_updates"):
        core.updates.drop_all()
    same = core.webhook is not None and core.webhook.url == url
    if core.webhook is not None and same:
        core.webhook.secret_token = secret
        core.webhook.max_connections = max_connections
    else:
        core.webhook = WebhookState(url, secret, max_connections, allowed)
    core.updates.signal.fire()
    return Described(True, "Webhook is already set" if same else "Webhook was set")


async def delete_webhook(core: Core, p: Params) -> Any:
    """deleteWebhook: back to getUpdates, optionally dropping pending updates."""
    if p.flag("drop_pending_updates"):
        core.updates.drop_all()
    had = core.webhook is not None
    core.webhook = None
    core.updates.signal.fire()
    return Described(True, "Webhook was deleted" if had else "Webhook is already deleted")


async def get_webhook_info(core: Core, p: Params) -> Any:
    """getWebhookInfo: the webhook's URL, pending count and last delivery error."""
    hook = core.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(core.updates.pending),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


async def log_out(core: Core, p: Params) -> Any:
    """logOut / close: accepted, nothing else happens here."""
    return True


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "logOut": log_out,
    "close": log_out,
}
