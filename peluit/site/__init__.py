"""The public site: forms and pages rendered from the configuration, and the mkdocs build.

`forms` and `pages` are pure (a `Config` in, HTML or JSON out); `site/hooks/peluit_forms.py`
adapts them to mkdocs; `build.build_site()` runs mkdocs for both languages (it imports mkdocs
only when called).
"""

from .build import build_site
from .errors import FormError, MarkerError, SiteBuildError, SiteError

__all__ = ["FormError", "MarkerError", "SiteBuildError", "SiteError", "build_site"]
