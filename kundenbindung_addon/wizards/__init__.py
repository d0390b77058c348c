from . import kundenbindung_settings
