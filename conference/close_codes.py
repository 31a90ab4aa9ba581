"""The websocket close codes the server sends, and what the page does with each.

socket.js (voting/static/voting/socket.js) keeps the same table: a final code stops the
page retrying and says why; the others reconnect (and resync from a snapshot).
"""

from __future__ import annotations

# Final: retrying cannot help.
SIGNED_OUT = 4001  # the access code was reissued: sign in again with the new card
NOT_SIGNED_IN = 4401  # no valid session for this conference (signed out, deactivated)
FORBIDDEN_ORIGIN = 4403  # the page's origin is not one of this server's
UNKNOWN_CONFERENCE = 4404  # no conference at that address

# Reconnect.
RECHECK = 4002  # who you are changed (signed out elsewhere, role changed): reconnect now and sign in afresh
RATE_LIMITED = 4429  # this socket sent far too much: reconnect after a pause
SERVICE_RESTART = 1012  # the process is restarting (sent by uvicorn on SIGTERM): reconnect to another one
