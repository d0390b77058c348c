from . import kundenbindung_revenue_report
from . import kundenbindung_nps_report
from . import kundenbindung_loyalty_report
