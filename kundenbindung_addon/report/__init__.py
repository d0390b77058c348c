from . import kundenbindung_revenue_report
