"""The schedule editor's logic, free of Textual: the form's state, its helpers (split a total,
monthly and quarterly dates, the live totals line), date parsing, validation, the create and
update requests, the update's diff, and the charges to detach or attach.

The screens (:mod:`tui.screens.schedule_form`, :mod:`tui.screens.schedule_charges`) only show
this state and feed keystrokes into it.
"""
