from django.dispatch import Signal

# Sent by pilotbase.workflow.transition_run inside the transaction, after the log row is written.
# kwargs: instance, name (transition method), from_state, to_state, actor, comment.
# Receivers in upper apps keep their own records in step (e.g. a resubmitted application reopens
# the authority's review). Keep receivers small and synchronous; mail goes through notify().
transitioned = Signal()
