from . import kundenbindung_customer_segment
from . import kundenbindung_class_history
from . import kundenbindung_segmentation
from . import kundenbindung_interest_cluster
from . import kundenbindung_clustering
from . import res_company
from . import res_config_settings
from . import res_partner
