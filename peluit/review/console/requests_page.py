"""Identity requests: custodians decide them; reviewers see their own."""

from __future__ import annotations

from string import Template

from peluit.config import Config
from peluit.review.desk import ReviewDesk
from peluit.review.views import RequestRow

from .choice import case_choice
from .guard import Session
from .html import Html, bi, fill, join, template
from .labels import REQUEST, word
from .layout import csrf_field

_ROW = Template("""<tr><td>$reference</td><td>$channel</td><td>$reviewer</td><td>$requested_on</td>
<td class="long">$reason</td><td>$choice</td><td>$status</td><td>$actions</td></tr>""")


_REFUSED = Template("""<p class="error problem" role="alert">$problem</p>$forms""")
_WARNED = Template("""$reason<p class="error problem">$warning</p>""")


def _row(desk: ReviewDesk, session: Session, config: Config, row: RequestRow) -> Html:
    channel = config.channel(row.channel)
    actions = Html("")
    if (
        row.status == "pending"
        and row.reviewer != desk.key.person
        and row.channel in desk.custodian_channels()
    ):
        names = {"case": row.case, "reviewer": row.reviewer, "csrf": csrf_field(session)}
        deny = fill(template("deny_form.html"), **names)
        if row.problem is None:
            actions = fill(template("decide_forms.html"), **names, deny=deny)
        else:  # it can only be denied (review/identity_grant.py)
            actions = fill(_REFUSED, problem=row.problem, forms=deny)
    reason: Html | str = row.reason if row.reason is not None else "—"
    if row.warning is not None:
        reason = fill(_WARNED, reason=reason, warning=row.warning)
    return fill(
        _ROW,
        reference=row.reference,
        channel=bi(channel.name.id, channel.name.en) if channel else row.channel,
        reviewer=row.reviewer,
        requested_on=row.requested_on or "—",
        reason=reason,
        choice=case_choice(desk, row.case),
        status=word(REQUEST, row.status),
        actions=actions,
    )


def requests_content(desk: ReviewDesk, session: Session, rows: list[RequestRow]) -> Html:
    ordered = sorted(rows, key=lambda r: (r.status != "pending", r.requested_on or ""))
    body = join([_row(desk, session, desk.config, r) for r in ordered]) or Html(
        f'<tr><td colspan="8">{bi("Tidak ada permintaan.", "No requests.")}</td></tr>'
    )
    title = bi("Permintaan identitas pelapor", "Requests to see a reporter's identity")
    return Html(
        f"<h1 id='requests-heading'>{title}</h1>"
        + "<p>"
        + bi(
            "Menyetujui berarti komputer ini mendekripsi blok identitas dan mengenkripsinya ulang "
            "hanya untuk penelaah yang meminta.",
            "Approving decrypts the identity block on this computer and re-encrypts it to the "
            "requesting reviewer alone.",
        )
        + "</p>"
        + "<div class='scroll' role='region' aria-labelledby='requests-heading' tabindex='0'>"
        f"<table><thead><tr><th>{bi('Referensi', 'Reference')}</th><th>{bi('Saluran', 'Channel')}"
        f"</th><th>{bi('Penelaah', 'Reviewer')}</th><th>{bi('Tanggal', 'Day')}</th>"
        f"<th>{bi('Alasan', 'Reason')}</th><th>{bi('Pilihan pelapor', 'Reporter chose')}</th>"
        "<th>Status</th>"
        f"<th>{bi('Keputusan', 'Decision')}</th>"
        "</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )
