from . import kundenbindung_nps_send
from . import kundenbindung_mark_lost
from . import base_partner_merge
from . import kundenbindung_dashboard
from . import kundenbindung_retention
from . import kundenbindung_promoter_analysis
