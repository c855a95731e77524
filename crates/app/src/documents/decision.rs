//! "Quyết định thành lập" of a group in the layout of Decree 30: the authority line, the legal
//! basis ("Căn cứ …") for the group's kind, the articles with the members, and a signature
//! block built from the recorded decision's signer, or left for the commune chairman to sign.

use jiff::civil::Date;
use tuquan_domain::groups::{DecisionKind, GroupKind};

use super::model::{col, Align, Block, Document, Issuer, Signature, Table};
use super::produce::place_of;
use crate::i18n::Lang;
use crate::{AppResult, Ctx};

/// A stored date (`YYYY-MM-DD…`), or `fallback` when there is none; not user input (that is
/// `tuquan_domain::time::parse_date`).
fn stored_date(s: &str, fallback: Date) -> Date {
    s.get(..10).and_then(|d| d.parse().ok()).unwrap_or(fallback)
}

/// `2026-03-05` → `05/03/2026`; anything else as it is.
fn vn(s: &str) -> String {
    match s.get(..10).and_then(|d| d.parse::<Date>().ok()) {
        Some(d) => d.strftime("%d/%m/%Y").to_string(),
        None => s.to_owned(),
    }
}

/// The laws a decision establishing a group of `kind` rests on (`commune`: where the
/// commune police propose a security team), each a "Căn cứ …;" paragraph, the last ending
/// in "." (see ../shared/docs/domain.md).
pub fn legal_basis(kind: Option<GroupKind>, commune: &str) -> Vec<String> {
    let mut out =
        vec!["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;".to_owned()];
    match kind {
        Some(GroupKind::ToBaoVeAntt) => {
            out.push("Căn cứ Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở ngày 28 tháng 11 năm 2023;".into());
            out.push("Căn cứ Nghị định số 40/2024/NĐ-CP của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở;".into());
            out.push("Căn cứ Thông tư số 14/2024/TT-BCA của Bộ trưởng Bộ Công an quy định chi tiết một số điều của Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở;".into());
            out.push(format!("Theo đề nghị của Trưởng Công an {commune}."));
        }
        Some(GroupKind::ToHoaGiai) => {
            out.push("Căn cứ Luật Hòa giải ở cơ sở ngày 20 tháng 6 năm 2013;".into());
            out.push("Căn cứ Nghị định số 15/2014/NĐ-CP của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Hòa giải ở cơ sở;".into());
            out.push("Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022.".into());
        }
        _ => out.push("Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022.".into()),
    }
    out
}

/// The signature block from the recorded signer, as typed: a title ("Chủ tịch UBND phường
/// Bến Thành"), a name ("Trần Văn Đức") or both ("Phó Chủ tịch Trần Văn Đức"). A vice
/// chairman signs "KT. Chủ tịch"; with nothing recorded the commune chairman signs.
pub fn signer_block(signer: &str, signed: bool) -> Signature {
    let s = signer.trim();
    let folded = tuquan_domain::text::fold(s);
    // Folding keeps one letter per letter (NFC text), so the title's letters can be skipped.
    let skip = |title: &str| s.chars().skip(title.chars().count()).collect::<String>();
    let (mandate, position, rest) = if folded.starts_with("pho chu tich") {
        (Some("KT. Chủ tịch"), "Phó Chủ tịch", skip("pho chu tich"))
    } else if folded.starts_with("chu tich") {
        (None, "Chủ tịch", skip("chu tich"))
    } else {
        (None, "Chủ tịch", s.to_owned())
    };
    let rest = rest.trim();
    // "… UBND phường X", "Ủy ban nhân dân …": the body, not a person.
    let body = tuquan_domain::text::fold(rest);
    let name = if body.starts_with("ubnd") || body.starts_with("uy ban") {
        ""
    } else {
        rest
    };
    Signature {
        mandate: mandate.map(str::to_owned),
        position: position.to_owned(),
        signer: name.to_owned(),
        signed: signed && !s.is_empty(),
    }
}

/// "Quyết định thành lập" of a group, from its establishment decision (the latest recorded
/// one; none leaves the number blank) and its positions. For those who may see the group.
pub async fn group_decision(ctx: &Ctx, id: tuquan_domain::GroupId) -> AppResult<Document> {
    let d = crate::groups::group_detail(ctx, id).await?;
    let g = &d.group;
    let decision = d
        .decisions
        .iter()
        .rev()
        .find(|x| x.kind == DecisionKind::Establishment);
    let unit = crate::territory::unit(&ctx.app, &g.unit_code).await?;
    let commune = place_of(ctx, &unit).await?;
    let issuer = match decision.filter(|x| !x.issuer.trim().is_empty()) {
        Some(x) => Issuer {
            parent: None,
            name: x.issuer.clone(),
        },
        None => Issuer {
            parent: None,
            name: format!("Ủy ban nhân dân\n{commune}"),
        },
    };
    let lang = Lang::Vi;
    let rows: Vec<Vec<String>> = d
        .positions
        .iter()
        .filter(|p| p.ended_on.is_none())
        .map(|p| {
            let role = lang.t(&format!("groups.role.{}", p.role.as_str()));
            vec![
                p.full_name.clone(),
                if p.acting {
                    lang.t("groups.acting").replace("{role}", role)
                } else {
                    role.to_owned()
                },
                format!("{} – {}", vn(&p.starts_on), vn(&p.ends_on)),
            ]
        })
        .collect();
    if !rows.is_empty() {
        ctx.audit_read(
            "group.decision_printed",
            "group",
            id.to_string(),
            &g.unit_path,
        )
        .await?;
    }
    let date = decision.map_or_else(
        || {
            g.established_on
                .as_deref()
                .map_or(ctx.today(), |s| stored_date(s, ctx.today()))
        },
        |x| stored_date(&x.issued_on, ctx.today()),
    );
    let effective = decision.map_or_else(|| vn(&date.to_string()), |x| vn(&x.effective_on));
    let members = Table::numbered(
        vec![
            col("Họ và tên", 12, Align::Left),
            col("Chức danh", 9, Align::Left),
            col("Nhiệm kỳ", 10, Align::Center),
        ],
        rows,
    );
    let heading = format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {}", commune.to_uppercase());
    let basis = legal_basis(Some(g.kind), &commune);
    let body = [
        Block::article("Điều 1.", format!("Thành lập {}, {} (sau đây gọi là Tổ), gồm các thành viên có tên sau đây:", g.name, g.unit_name)),
        Block::Table(members),
        Block::article("Điều 2.", format!("Quyết định này có hiệu lực kể từ ngày {effective}.")),
        Block::article("Điều 3.", format!("Chánh Văn phòng Ủy ban nhân dân {commune}, các cá nhân, đơn vị có liên quan và các thành viên có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")),
    ];
    let signature = signer_block(
        decision.map_or("", |x| x.signer.as_str()),
        decision.is_some(),
    );
    Ok(
        Document::new("Quyết định", "QĐ-UBND", issuer, commune, date)
            .number(decision.map(|x| x.number.clone()))
            .summary(format!("Về việc thành lập {}", g.name))
            .body([Block::centered(heading)])
            .body(basis.into_iter().map(|text| Block::Basis { text }))
            .body([Block::centered("QUYẾT ĐỊNH:")])
            .body(body)
            .signature(signature)
            .recipients(["Như Điều 3", "Lưu: VT"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_blocks_from_what_was_recorded() {
        let s = signer_block("Chủ tịch UBND phường Bến Thành", true);
        assert_eq!(
            (s.mandate, s.position.as_str(), s.signer.as_str(), s.signed),
            (None, "Chủ tịch", "", true)
        );
        let s = signer_block("Phó Chủ tịch Trần Văn Đức", true);
        assert_eq!(s.mandate.as_deref(), Some("KT. Chủ tịch"));
        assert_eq!(
            (s.position.as_str(), s.signer.as_str()),
            ("Phó Chủ tịch", "Trần Văn Đức")
        );
        let s = signer_block("Nguyễn Thị Đào", true);
        assert_eq!(
            (s.position.as_str(), s.signer.as_str()),
            ("Chủ tịch", "Nguyễn Thị Đào")
        );
        let s = signer_block("", false);
        assert_eq!(
            (s.position.as_str(), s.signer.as_str(), s.signed),
            ("Chủ tịch", "", false)
        );
    }

    #[test]
    fn every_kind_has_its_legal_basis() {
        for k in GroupKind::ALL {
            let b = legal_basis(Some(k), "Phường Bến Thành");
            assert!(b
                .iter()
                .all(|l| l.starts_with("Căn cứ") || l.starts_with("Theo đề nghị")));
            assert!(b.last().unwrap().ends_with('.'));
            assert!(b[..b.len() - 1].iter().all(|l| l.ends_with(';')));
        }
        let security = legal_basis(Some(GroupKind::ToBaoVeAntt), "Phường Bến Thành");
        assert!(security.iter().any(|l| l.contains("40/2024/NĐ-CP")));
        assert!(security
            .last()
            .unwrap()
            .contains("Công an Phường Bến Thành"));
    }
}
