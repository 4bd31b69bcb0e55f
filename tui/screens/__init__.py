"""One module per screen; every object screen derives from :class:`tui.screens.base.ConsoleScreen`."""
