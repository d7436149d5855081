"""The `koppel` command line for admin work."""

import json
import os
import sys

import typer
import uvicorn
from sqlalchemy.engine import make_url
from sqlmodel import select

from core.config import get_settings
from core.errors import KoppelError
from db import migrate
from db.models import User
from db.session import unit_of_work
from services import demo
from services.auth import service
from services.brokerage import followup
from services.municipalities import service as municipalities
from services.outbox import relay
from services.outbox import service as outbox
from services.people import retention
from services.worker import beat as beat_lock
from services.worker.queues import Queue

app = typer.Typer(help="Koppel: beheer vanaf de opdrachtregel.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Demodata.", no_args_is_help=True)
outbox_app = typer.Typer(help="Outbox.", no_args_is_help=True)
tasks_app = typer.Typer(help="Taken die voorgoed mislukten.", no_args_is_help=True)
user_app = typer.Typer(help="Gebruikers.", no_args_is_help=True)
retention_app = typer.Typer(help="Bewaartermijnen.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(retention_app, name="retention")
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(outbox_app, name="outbox")
app.add_typer(tasks_app, name="tasks")
municipality_app = typer.Typer(help="Gemeenten uit de CBS-lijst.", no_args_is_help=True)
app.add_typer(municipality_app, name="municipality")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the configured database to a revision (default: head)."""
    migrate.upgrade(revision=revision)
    typer.echo(f"database at {revision}: {_safe_url()}")


@db_app.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    migrate.check()
    typer.echo("schema matches the models")


@demo_app.command("load")
def demo_load() -> None:
    """Load the publication's example initiatives (idempotent)."""
    with unit_of_work() as session:
        result = demo.load(session, dashboard=True)  # with the dashboard's Haarlem figures
    typer.echo(
        f"demo: {result.municipalities} municipalities, {result.initiatives_added} initiatives "
        f"added, {result.initiatives_present} already present"
    )
    typer.echo(f"demo: {result.resources} funds and instruments, {result.volunteers} "
               "volunteers added; a full matching run was queued")
    if result.logins:
        typer.echo(f"demo logins (password: {demo.DEMO_PASSWORD}):")
        for email, role in result.logins:
            typer.echo(f"  {role:<11} {email}")


@user_app.command("create")
def user_create(
    email: str = typer.Option(..., help="E-mail address (the login name)"),
    password: str = typer.Option(..., help="At least 10 characters"),
    role: str = typer.Option(..., help="initiator, fund, volunteer, broker, consultant, staff "
                                       "or admin"),
    municipality: str | None = typer.Option(None, help="CBS code, e.g. GM0392"),
    organisation: int | None = typer.Option(None, help="Organisation id (initiator, fund)"),
    name: str = typer.Option("", help="Display name"),
) -> None:
    """Create a user with one role and its scope."""
    try:
        with unit_of_work() as session:
            user = service.create_user(session, email=email, password=password, role=role,
                                       municipality=municipality,
                                       organisation_id=organisation, display_name=name)
            user_id = user.id
    except KoppelError as exc:
        typer.echo(f"refused: {exc.detail} {exc.fields}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"user {user_id} created: {email} ({role})")


@user_app.command("first-admin")
def user_first_admin(email: str = typer.Option(...),
                     password: str = typer.Option(...)) -> None:
    """Create the first admin; refused once any admin exists."""


    with unit_of_work() as session:
        if session.exec(select(User.id).where(User.role == "admin")).first() is not None:
            typer.echo("refused: an admin already exists; use `koppel user create`", err=True)
            raise typer.Exit(1)
    user_create(email=email, password=password, role="admin", municipality=None,
                organisation=None, name="")


@municipality_app.command("add")
def municipality_add(
    code: str | None = typer.Argument(None, help="CBS code, e.g. GM0363"),
    all_: bool = typer.Option(False, "--all", help="Every municipality of the CBS list"),
) -> None:
    """Onboard a municipality (or all 342) from the CBS list; adds nothing twice."""
    if bool(code) == all_:
        typer.echo("refused: give one CBS code or --all", err=True)
        raise typer.Exit(2)
    if all_:
        with unit_of_work() as session:
            done = municipalities.onboard_all(session)
        typer.echo(f"municipalities: {len(done.added)} added, {done.present} already present, "
                   f"{len(done.added) + done.present} in total")
        return
    try:
        with unit_of_work() as session:
            added = municipalities.onboard(session, code)
            line = f"municipality {added.code} added: {added.name}"
    except KoppelError as exc:
        if exc.status_code == 409:
            typer.echo(f"municipality {code.upper()} already present: nothing added")
            return
        typer.echo(f"refused: {exc.detail} {exc.fields}", err=True)
        raise typer.Exit(1) from None
    typer.echo(line)


@retention_app.command("run")
def retention_run(dry_run: bool = typer.Option(False, "--dry-run",
                                               help="List what would be erased")) -> None:
    """Erase personal data past its retention period (or list it with --dry-run)."""
    with unit_of_work() as session:
        report = retention.apply(session, dry_run=dry_run)
    for line in report.lines():
        typer.echo(line)


@app.command("follow-ups")
def follow_ups() -> None:
    """Ask "Is de hulp gelukt?" for matches accepted long enough ago (also runs daily)."""
    with unit_of_work() as session:
        asked = followup.ask_due(session)
    typer.echo(f"follow-up asked for {asked} matches")


@tasks_app.command("failed")
def tasks_failed(limit: int = typer.Option(100, help="How many, newest first")) -> None:
    """List tasks that failed for good (retries used up, or a payload they cannot take)."""
    with unit_of_work() as session:
        letters = outbox.dead_letters(session, limit)
        waiting = outbox.dead_letter_count(session)
    typer.echo(f"{waiting} failed tasks not retried yet")
    for letter in letters:
        state = f"retried {letter.retried_at:%Y-%m-%d %H:%M}" if letter.retried_at else "waiting"
        typer.echo(f"{letter.id:>6}  {letter.failed_at:%Y-%m-%d %H:%M}  {letter.task_name:<32} "
                   f"{json.dumps(letter.payload, sort_keys=True)}  [{state}]  {letter.error}")


@tasks_app.command("retry")
def tasks_retry(letter_id: int) -> None:
    """Run a failed task again (through the outbox)."""
    try:
        with unit_of_work() as session:
            message = outbox.retry(session, letter_id)
            message_id = message.id
    except KoppelError as exc:
        typer.echo(f"refused: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"failed task {letter_id} queued again as outbox message {message_id}")


@outbox_app.command("relay")
def outbox_relay() -> None:
    """Publish outbox messages left pending."""
    typer.echo(f"published {relay.publish_pending()} messages")


@app.command()
def serve(host: str | None = None, port: int | None = None, reload: bool = False,
          workers: int | None = typer.Option(None, help="Server processes (default: "
                                                         "KOPPEL_WORKERS, 1)")) -> None:
    """Serve API, web and (without a broker) the in-process worker."""
    settings = get_settings()
    uvicorn.run(
        "services.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=None if reload else (workers or settings.workers),
        # Client addresses (login throttling, audit) come from X-Forwarded-For only when it
        # is set by a proxy the operator named.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
        # Keep-alive connections from a load balancer outlive uvicorn's 5 s default.
        timeout_keep_alive=30,
        # A new server process imports the matching engine (numpy, scikit-learn, OR-Tools);
        # on a busy machine that takes longer than uvicorn's 5 s before it kills and restarts it.
        timeout_worker_healthcheck=60,
    )


@app.command()
def worker(
    beat: bool = typer.Option(False, help="Also run the periodic jobs (single-node setups)."),
    concurrency: int = 2,
    pool: str = "prefork",
    queues: str = typer.Option("", help="Comma-separated queues to consume (default: all), "
                                        "e.g. koppel.matching"),
) -> None:
    """Run a Celery worker on the configured broker."""
    if not get_settings().redis_url:
        typer.echo("KOPPEL_REDIS_URL is not set: tasks already run inside `koppel serve`.",
                   err=True)
        raise typer.Exit(2)
    wanted = [q.strip() for q in queues.split(",") if q.strip()] or [q.value for q in Queue]
    unknown = set(wanted) - {q.value for q in Queue}
    if unknown:
        typer.echo(f"unknown queue(s): {', '.join(sorted(unknown))}", err=True)
        raise typer.Exit(2)
    args = [sys.executable, "-m", "celery", "-A", "services.worker.app:celery_app", "worker",
            "--loglevel", get_settings().log_level, "--concurrency", str(concurrency),
            "--pool", pool, "-Q", ",".join(wanted)]
    if beat:
        args += ["--beat", "--scheduler", "services.worker.beat:SingleBeat"]
    # Replace this process, so signals from the supervisor reach Celery itself.
    os.execv(sys.executable, args)


@app.command()
def beat() -> None:
    """Run Celery beat (the periodic jobs of services/worker/schedules.py)."""
    args = [sys.executable, "-m", "celery", "-A", "services.worker.app:celery_app", "beat",
            "--loglevel", get_settings().log_level, "--schedule", "var/celerybeat-schedule",
            "--scheduler", "services.worker.beat:SingleBeat"]
    os.execv(sys.executable, args)


@app.command("beat-alive")
def beat_alive() -> None:
    """Exit 0 when a beat holds its lock (a healthcheck for the beat container)."""
    url = get_settings().redis_url
    if not url or not beat_lock.is_running(url):
        typer.echo("no beat is running", err=True)
        raise typer.Exit(1)
    typer.echo("beat is running")


def _safe_url() -> str:

    return make_url(get_settings().sqlalchemy_url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
