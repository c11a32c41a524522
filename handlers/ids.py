"""Every Slack identifier the app registers or builds, named by meaning.

``tests/test_manifest.py`` checks the command and callbacks against ``manifest.yml``.
"""

from __future__ import annotations

COMMAND = "/newthread"
POST_MESSAGE_SHORTCUT = "post_to_discussion_board"

NEW_THREAD_MODAL = "new_thread_modal"
RESULT_MODAL = "new_thread_result"

# Input blocks of the new-thread modal (block_id → one action_id each).
LOCATION_BLOCK = "location"
LOCATION_ACTION = "location_select"
TITLE_BLOCK = "title"
TITLE_ACTION = "title_input"
MESSAGE_BLOCK = "message"
MESSAGE_ACTION = "message_input"
# The group block's id ends with "@<location id>" so a location change starts it fresh.
GROUP_BLOCK = "group"
GROUP_ACTION = "group_select"
TAGS_BLOCK = "tags"
TAGS_ACTION = "tags_input"
GUESTS_BLOCK = "guests"
GUESTS_ACTION = "guests_select"
OPTIONS_BLOCK = "options"
OPTIONS_ACTION = "options_checkboxes"
ZOOM_LINK_BLOCK = "zoom_link"
ZOOM_LINK_ACTION = "zoom_link_input"
ZOOM_ID_BLOCK = "zoom_id"
ZOOM_ID_ACTION = "zoom_id_input"
ZOOM_PASSCODE_BLOCK = "zoom_passcode"
ZOOM_PASSCODE_ACTION = "zoom_passcode_input"
ZOOM_START_BLOCK = "zoom_start"
ZOOM_START_ACTION = "zoom_start_picker"

# Values of the options checkboxes.
OPTION_PRIVATE = "private"
OPTION_INSTANT = "instant"
OPTION_SHARE = "share"
OPTION_ZOOM = "zoom"

# Buttons on the "kept as a draft" message.
RETRY_DRAFT_ACTION = "draft_retry"
EDIT_DRAFT_ACTION = "draft_edit"
OPEN_IN_PORTAL_ACTION = "open_in_portal"

# Buttons on relayed replies and on the Home tab.
MUTE_THREAD_ACTION = "thread_mute"
UNFOLLOW_THREAD_ACTION = "thread_unfollow"
# App Home preferences.
REPLIES_PREFERENCE_ACTION = "pref_replies"
DIGEST_TIME_ACTION = "pref_digest_time"
# /newthread status
REPLAY_FAILED_ACTION = "outbox_replay_failed"
HOME_OPENED_EVENT = "app_home_opened"
LINK_SHARED_EVENT = "link_shared"  # a portal thread link pasted in Slack: unfurled
# The Retry button on the ephemeral about a Slack reply the board did not take.
RETRY_REPLY_ACTION = "slack_reply_retry"
MESSAGE_EVENT = "message"
# The app's token revoked, or the app removed: the relay pauses (bot.slack_health).
TOKENS_REVOKED_EVENT = "tokens_revoked"
APP_UNINSTALLED_EVENT = "app_uninstalled"
# A member's profile changed: what the bot derived from the old one follows (bot.profile_changes).
USER_CHANGE_EVENT = "user_change"
# Who is in a channel changed (its audience is read again); the bot's own arrival or
# departure resumes or pauses the channel (bot.channel_audience, bot.channel_lifecycle).
MEMBER_JOINED_EVENT = "member_joined_channel"
MEMBER_LEFT_EVENT = "member_left_channel"
# The bot left, or the channel was archived, unarchived or deleted: public and private.
CHANNEL_LEFT_EVENT = "channel_left"
GROUP_LEFT_EVENT = "group_left"
CHANNEL_ARCHIVE_EVENT = "channel_archive"
GROUP_ARCHIVE_EVENT = "group_archive"
CHANNEL_UNARCHIVE_EVENT = "channel_unarchive"
GROUP_UNARCHIVE_EVENT = "group_unarchive"
CHANNEL_DELETED_EVENT = "channel_deleted"
