"""Homelink: reach every family in their own language."""
from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_login import current_user

from app.config import Config, config_from_env


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app: extensions, blueprints, error pages, CLI."""
    config = config or config_from_env()
    app = Flask(__name__, instance_path=config.INSTANCE_PATH)
    app.config.from_object(config)
    app.config.update(overrides)
    from app.sessions import KeptSerializerSessions

    app.session_interface = KeptSerializerSessions()
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (see README: Settings)")
    from app.privacy import crypto, redaction

    redaction.install()  # logs never hold full phone numbers, emails, tokens or message bodies
    try:
        crypto.check_keys(app.config.get("DATA_ENCRYPTION_KEYS"))
    except crypto.EncryptionKeyError as exc:
        raise RuntimeError(f"{exc} (production must configure it; see README: Settings)") from exc

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _register_blueprints(app)
    _register_request_hooks(app)
    _register_error_pages(app)

    from app import cli, tasks

    tasks.init_app(app)
    tasks.register_tasks()
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import i18n
    from app.extensions import babel, csrf, db, install_sqlite_pragmas, limiter, login_manager, mail, migrate

    install_sqlite_pragmas()
    db.init_app(app)
    from app.columns import render_migration_item

    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True,
                     render_item=render_migration_item)
    mail.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    from app.auth.services import load_user

    login_manager.user_loader(load_user)
    from app.security import ROLES

    app.jinja_env.globals.update(_s=i18n._s, roles=ROLES)
    app.context_processor(i18n.template_context)

    from app import models  # noqa: F401  (every table registered with the metadata)
    from app import template_filters

    template_filters.init_app(app)


def _migrations_dir() -> str:
    from app.config import ROOT

    return str(ROOT / "migrations")


def _register_blueprints(app: Flask) -> None:
    from app.activities.routes import bp as activities_bp
    from app.alerts import notice_routes  # noqa: F401  (manager pages register on alerts.bp)
    from app.alerts.routes import bp as alerts_bp
    from app.audit.routes import bp as audit_bp
    from app.auth import account_routes  # noqa: F401  (two-step login and password reset register on auth.bp)
    from app.auth.routes import bp as auth_bp
    from app.families import import_routes  # noqa: F401  (the import pages register on families.bp)
    from app.evidence import action_routes, dashboard_routes, ledger_routes, pack_routes  # noqa: F401  (pages register on evidence.bp)
    from app.evidence.routes import bp as evidence_bp
    from app.families.routes import bp as families_bp
    from app.involvement.routes import bp as involvement_bp
    from app.lists.routes import bp as lists_bp
    from app.home import bp as home_bp
    from app.messaging.routes import bp as messaging_bp
    from app.messaging.webhooks import bp as webhooks_bp
    from app.newsletters import parent_routes  # noqa: F401  (parent pages register on newsletters.bp)
    from app.newsletters.routes import bp as newsletters_bp
    from app.parents.routes import bp as parents_bp
    from app.privacy.routes import bp as privacy_bp
    from app.settings.routes import bp as settings_bp
    from app.feedback import staff_routes  # noqa: F401  (staff pages register on feedback.bp)
    from app.feedback.routes import bp as feedback_bp
    from app.surveys.routes import bp as surveys_bp
    from app.workshops import poll_routes  # noqa: F401  (the poll pages register on workshops.bp)
    from app.workshops.routes import bp as workshops_bp

    for bp in (home_bp, auth_bp, families_bp, parents_bp, audit_bp, settings_bp, messaging_bp, webhooks_bp,
               feedback_bp, alerts_bp, workshops_bp, involvement_bp, newsletters_bp, activities_bp,
               surveys_bp, lists_bp, evidence_bp, privacy_bp):
        app.register_blueprint(bp)


def _register_request_hooks(app: Flask) -> None:
    from app.parents.links import current_parent

    @app.before_request
    def load_setting():
        g.pop("parent_session", None)
        if current_user.is_authenticated:
            g.setting = current_user.setting
        elif not getattr(app.view_functions.get(request.endpoint), "checks_own_link", False):
            current_parent()

    from app import headers

    headers.init_app(app)


def _register_error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from app.extensions import db

    def page(code: int):
        def handler(error):
            if code == 500:
                db.session.rollback()  # the page may need the database (the parent's language)
            return render_template(f"errors/{code}.html"), code

        return handler

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, page(code))
    app.register_error_handler(CSRFError, page(400))
