//! The demo's groups in Phường Bến Thành: a security team (tổ bảo vệ an ninh, trật tự) for
//! Khu phố 1 and 2 and a mediation team (tổ hòa giải) for Khu phố 1, each established by a
//! decision with a scan and staffed with eligible residents; the head and deputy of Khu phố
//! 1, its Front work committee, and a coordination regulation signed more than a year ago,
//! so the commune's page shows one due for review. With the restructuring demo, a head and
//! deputy in every other khu phố.

use jiff::civil::{date, Date};
use tuquan_domain::groups::{
    check_candidate, position_end, Candidate, DecisionKind, GroupKind, NewDecision, NewGroup,
    NewPosition, NewRegulation, NewRegulationInput, PositionRole,
};
use tuquan_domain::territory::Unit;
use tuquan_domain::ResidentId;
use tuquan_store::audit::AuditCtx;
use tuquan_store::groups::{GroupRecord, NewDocument};
use tuquan_store::residents::{ResidentQuery, ResidentRecord};
use tuquan_store::Store;

const COMMUNE: &str = "26743";
const ESTABLISHED: Date = date(2025, 7, 15);

/// A one-page PDF saying which decision it is, standing in for a real scan.
fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let stream = format!("BT /F1 16 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn new_group(kind: GroupKind, name: &str) -> NewGroup {
    NewGroup {
        kind,
        kind_label: None,
        name: name.to_owned(),
        name_folded: tuquan_domain::text::fold(name),
        sort_key: tuquan_domain::text::sort_key(name),
        unit_codes: vec![],
    }
}

fn candidate(r: &ResidentRecord, unit: &Unit) -> Option<Candidate> {
    Some(Candidate {
        birth_date: r.birth_date.parse().ok()?,
        status: r.status,
        lives_in_unit: r.unit_path == unit.path
            || r.unit_path.starts_with(&format!("{}/", unit.path)),
        residence_since: r.residence_since.as_deref().and_then(|d| d.parse().ok()),
    })
}

/// Appoints, in order, the first eligible residents not used yet to `roles`.
async fn staff(
    store: &Store,
    group: &GroupRecord,
    people: &[ResidentRecord],
    used: &mut Vec<ResidentId>,
    roles: &[PositionRole],
    start: Date,
    ctx: &AuditCtx,
) -> anyhow::Result<Vec<String>> {
    let unit = store.unit(&group.unit_code).await?.unit;
    let years = store.term_years(&group.province_code).await?;
    let today = tuquan_domain::time::vietnam_date(jiff::Timestamp::now()).to_string();
    let mut head_ends = None;
    let mut names = Vec::new();
    for role in roles {
        // Grown-ups of working age look right in a demo, whatever the kind's own rules.
        let Some(r) = people.iter().find(|r| {
            !used.contains(&r.id)
                && candidate(r, &unit).is_some_and(|c| {
                    (25..=65).contains(&tuquan_domain::people::age_on(c.birth_date, start))
                })
                && candidate(r, &unit)
                    .is_some_and(|c| check_candidate(group.kind(), *role, &c, start).is_ok())
        }) else {
            continue;
        };
        used.push(r.id);
        let ends = position_end(group.kind(), *role, false, start, years, head_ends);
        if *role == PositionRole::Head {
            head_ends = Some(ends);
        }
        let pos = NewPosition {
            resident_id: r.id,
            role: *role,
            starts_on: start,
            acting: false,
            decision_ref: None,
            note: None,
        };
        store
            .appoint(group, &r.full_name, &pos, &ends.to_string(), &today, ctx)
            .await?;
        names.push(r.full_name.clone());
    }
    Ok(names)
}

async fn establish(
    store: &Store,
    id: tuquan_domain::GroupId,
    number: &str,
    ctx: &AuditCtx,
) -> anyhow::Result<GroupRecord> {
    let group = store.group(id, "").await?;
    let decision = NewDecision {
        kind: DecisionKind::Establishment,
        number: number.to_owned(),
        issued_on: date(2025, 7, 10),
        issuer: "UBND phường Bến Thành".into(),
        signer: "Chủ tịch UBND phường Bến Thành".into(),
        effective_on: ESTABLISHED,
    };
    let scan = NewDocument {
        file_name: format!("QD {}.pdf", number.replace('/', "-")),
        content_type: "application/pdf",
        bytes: demo_pdf(&format!("Quyet dinh so {number} - UBND phuong Ben Thanh")),
    };
    store
        .record_decision(&group, &decision, Some(&scan), ctx)
        .await?;
    Ok(store.group(id, "").await?)
}

/// A group that needs a decision: where it is, what it covers, the decision establishing
/// it, and the roles to staff.
struct Team<'a> {
    unit: &'a Unit,
    kind: GroupKind,
    name: &'a str,
    covered: &'a [Unit],
    decision: &'a str,
    roles: &'a [PositionRole],
}

impl Team<'_> {
    /// Creates the group, establishes it and staffs it from `people`; the names appointed.
    async fn create(
        self,
        store: &Store,
        people: &[ResidentRecord],
        used: &mut Vec<ResidentId>,
        ctx: &AuditCtx,
    ) -> anyhow::Result<Vec<String>> {
        let g = new_group(self.kind, self.name);
        let id = store.create_group(self.unit, &g, self.covered, ctx).await?;
        let group = establish(store, id, self.decision, ctx).await?;
        staff(store, &group, people, used, self.roles, ESTABLISHED, ctx).await
    }
}

pub async fn demo_groups(store: &Store, ctx: &AuditCtx) -> anyhow::Result<()> {
    let commune = store.unit(COMMUNE).await?.unit;
    let kp01 = store.unit(&format!("{COMMUNE}-kp01")).await?.unit;
    let kp02 = store.unit(&format!("{COMMUNE}-kp02")).await?.unit;
    let mut people = store
        .residents_in(&kp01, &ResidentQuery::default(), None, 200)
        .await?;
    people.extend(
        store
            .residents_in(&kp02, &ResidentQuery::default(), None, 200)
            .await?,
    );
    let mut used = Vec::new();
    use PositionRole::{Deputy, Head, Member};

    // The head and deputy of Khu phố 1.
    let (lead_id, _) = store
        .ensure_unit_leadership(&kp01, "Trưởng, phó Khu phố 1", ctx)
        .await?;
    let lead = store.group(lead_id, "").await?;
    let leaders = staff(
        store,
        &lead,
        &people,
        &mut used,
        &[Head, Deputy],
        ESTABLISHED,
        ctx,
    )
    .await?;

    // Its Front work committee.
    let front_heads = Team {
        unit: &kp01,
        kind: GroupKind::BanCongTacMatTran,
        name: "Ban công tác Mặt trận Khu phố 1",
        covered: &[],
        decision: "118/QĐ-UBND",
        roles: &[Head, Member, Member],
    }
    .create(store, &people, &mut used, ctx)
    .await?;

    // A security team for Khu phố 1 and 2.
    Team {
        unit: &commune,
        kind: GroupKind::ToBaoVeAntt,
        name: "Tổ bảo vệ an ninh, trật tự Khu phố 1–2",
        covered: &[kp01.clone(), kp02],
        decision: "125/QĐ-UBND",
        roles: &[Head, Deputy, Member, Member],
    }
    .create(store, &people, &mut used, ctx)
    .await?;

    // A mediation team for Khu phố 1.
    Team {
        unit: &kp01,
        kind: GroupKind::ToHoaGiai,
        name: "Tổ hòa giải Khu phố 1",
        covered: &[],
        decision: "126/QĐ-UBND",
        roles: &[Head, Member, Member],
    }
    .create(store, &people, &mut used, ctx)
    .await?;

    // The coordination regulation of Khu phố 1, signed in August 2025: due for its yearly
    // review from August 2026.
    if let (Some(head), Some(front_head)) = (leaders.first(), front_heads.first()) {
        let r = NewRegulation::parse(
            &NewRegulationInput {
                signed_on: "2025-08-15".into(),
                note: Some("Quy chế phối hợp giữa Trưởng khu phố và Ban công tác Mặt trận".into()),
                ..NewRegulationInput::default()
            },
            (Some(head.as_str()), Some(front_head.as_str())),
            date(2025, 8, 15),
        )?;
        store
            .record_regulation(&kp01, &r, (None, None), ctx)
            .await?;
    }
    Ok(())
}

/// With the restructuring demo (meetings on): a head and deputy in every other khu phố of
/// the ward, so that applying the demo scheme ends real posts and thanks their holders
/// (issue 16, "Done means": the thanked leaders).
pub async fn demo_khu_pho_leaders(store: &Store, ctx: &AuditCtx) -> anyhow::Result<()> {
    use PositionRole::{Deputy, Head};
    for k in 2..=12 {
        let Ok(unit) = store.unit(&format!("{COMMUNE}-kp{k:02}")).await else {
            continue;
        };
        let unit = unit.unit;
        let people = store
            .residents_in(&unit, &ResidentQuery::default(), None, 200)
            .await?;
        let (id, _) = store
            .ensure_unit_leadership(&unit, &format!("Trưởng, phó {}", unit.name), ctx)
            .await?;
        let group = store.group(id, "").await?;
        // A khu phố whose head was elected in the votes demo keeps them: only the posts
        // nobody holds are staffed, by people who hold none there.
        let held: Vec<_> = store
            .positions_of(id)
            .await?
            .into_iter()
            .filter(|p| p.ended_on.is_none())
            .collect();
        let mut used: Vec<ResidentId> = held.iter().map(|p| p.resident_id).collect();
        let roles: Vec<PositionRole> = [Head, Deputy]
            .into_iter()
            .filter(|r| !held.iter().any(|p| p.role == *r))
            .collect();
        staff(store, &group, &people, &mut used, &roles, ESTABLISHED, ctx).await?;
    }
    Ok(())
}
