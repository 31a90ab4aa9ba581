"""The events of the agenda, the motion procedure and the debate (sent with conference.events).

- ``motion.updated``   seq, item: a motion's payload after a change (amendments, outcome,
                       procedural motions, block pull); everyone
- ``agenda.changed``   seq, section_id, order: motion ids of a section in their new order
- ``item.called``      seq, item: the motion now under debate (or null); also ``timer`` and
                       ``block`` when the floor changes: the section's guillotine (allocated,
                       used, running_since), the day's end, and the section's A/AR block
- ``speech``           seq, speech: who is speaking, since when, for how long (or null)
- ``speakers``         queue: the requests to speak (staff only: no seq)
- ``debate.requested`` motion_id, by: a representative asked to debate an A/AR motion (staff only)
- ``speakers.places``  motion_id, requests: the waiting requests' ids in the queue's order,
                       no names (reps, no seq): each phone finds its own place in it
"""

from __future__ import annotations

ITEM_CALLED = "item.called"
MOTION_UPDATED = "motion.updated"
AGENDA_CHANGED = "agenda.changed"
SPEECH = "speech"
SPEAKERS = "speakers"
DEBATE_REQUESTED = "debate.requested"
SPEAKER_PLACES = "speakers.places"
