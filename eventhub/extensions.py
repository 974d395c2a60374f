"""Every Flask extension, created unbound here and bound in `create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from eventhub import ratelimits  # noqa: F401  (registers the eventhub+sqlite:// counters)
from eventhub.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Storage comes from RATELIMIT_STORAGE_URI: a SQLite file or Redis, shared by the workers.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
