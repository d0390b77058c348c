# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The web client actions the addon's buttons return, written once."""

# what the client does after the notification
RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}
CLOSE = {"type": "ir.actions.act_window_close"}


def notification(title, message, warning=False, then=None):
    """A notification with ``title`` and ``message`` (translated by the
    caller), a warning or a success, followed by the client action ``then``."""
    params = {"title": title, "message": message, "type": "warning" if warning else "success"}
    if then:
        params["next"] = then
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
