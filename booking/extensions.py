"""Extension objects, created here and bound to the app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from booking.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
# Storage comes from the config (RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set, else
# memory); each app's init_app gives it fresh storage. A moving window counts exactly the
# last N minutes, with no burst allowed at a window's edge.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
