//! Data markings on objects (STIX 2.1 §7.2): granular markings whose
//! selectors must point at content that exists, and marking definitions that
//! must not mark themselves.

use crate::json::{Object, Value};

use super::ctx::{Ctx, code};
use super::types::{Def, Kind, Refs, Ty, opt, req};

/// `granular-marking` (§7.2.3).
pub(crate) static GRANULAR_MARKING: Def = Def {
    name: "granular-marking",
    kind: Kind::Embedded,
    props: &[
        req("selectors", Ty::List(&Ty::String)),
        opt("marking_ref", Ty::Ref(Refs::Only(&["marking-definition"]))),
        opt("lang", Ty::Language),
    ],
    rules: Some(granular_marking_rules),
    id_contributing: &[],
};

fn granular_marking_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    match (obj.contains_key("marking_ref"), obj.contains_key("lang")) {
        (true, true) => ctx.error(
            code::EXCLUSIVE,
            "a granular marking has either marking_ref or lang, not both",
        ),
        (false, false) => ctx.error(
            code::AT_LEAST_ONE,
            "a granular marking needs marking_ref or lang",
        ),
        _ => {}
    }
}

/// Object-level marking rules: every selector resolves within the object,
/// and a marking definition does not reference itself.
pub(crate) fn check_object(
    ctx: &mut Ctx<'_>,
    obj: &Object<'_>,
    type_name: &str,
    own_id: Option<&str>,
) {
    if let Some(markings) = obj.get("granular_markings").and_then(Value::as_array) {
        for (i, marking) in markings.iter().enumerate() {
            let Some(selectors) = marking.get("selectors").and_then(Value::as_array) else {
                continue;
            };
            for (j, selector) in selectors.iter().enumerate() {
                let Some(selector) = selector.as_str() else {
                    continue;
                };
                if let Err(why) = resolve(obj, selector) {
                    ctx.at_key("granular_markings", |ctx| {
                        ctx.at_index(i, |ctx| {
                            ctx.at_key("selectors", |ctx| {
                                ctx.at_index(j, |ctx| {
                                    ctx.error(
                                        code::SELECTOR,
                                        format!("selector '{selector}' {why}"),
                                    )
                                })
                            })
                        })
                    });
                }
            }
        }
    }
    if let ("marking-definition", Some(own_id)) = (type_name, own_id) {
        check_self_reference(ctx, obj, own_id);
    }
}

fn check_self_reference(ctx: &mut Ctx<'_>, obj: &Object<'_>, own_id: &str) {
    let in_object_refs = obj
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| r.as_str() == Some(own_id)));
    if in_object_refs {
        ctx.error_at(
            "object_marking_refs",
            code::MARKING,
            "a marking definition must not mark itself",
        );
    }
    let in_granular = obj
        .get("granular_markings")
        .and_then(Value::as_array)
        .is_some_and(|ms| {
            ms.iter()
                .any(|m| m.get("marking_ref").and_then(Value::as_str) == Some(own_id))
        });
    if in_granular {
        ctx.error_at(
            "granular_markings",
            code::MARKING,
            "a marking definition must not mark itself",
        );
    }
}

/// Follows a selector (`description`, `labels.[0]`,
/// `external_references.[0].source_name`) through `root`.
fn resolve(root: &Object<'_>, selector: &str) -> Result<(), &'static str> {
    let mut components = selector.split('.');
    let first = components.next().unwrap_or_default();
    if first.is_empty() || first.starts_with('[') {
        return Err("must start with a property name");
    }
    let mut current = root
        .get(first)
        .ok_or("does not match any property of the object")?;
    for component in components {
        if let Some(index) = component
            .strip_prefix('[')
            .and_then(|c| c.strip_suffix(']'))
        {
            let Ok(index) = index.parse::<usize>() else {
                return Err("has a list index that is not a non-negative integer");
            };
            let Some(items) = current.as_array() else {
                return Err("applies a list index to something that is not a list");
            };
            current = items
                .get(index)
                .ok_or("has a list index past the end of the list")?;
        } else {
            let Some(obj) = current.as_object() else {
                return Err("selects a property of something that is not an object");
            };
            current = obj
                .get(component)
                .ok_or("does not match any property of the object")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use crate::json::parse;

    #[test]
    fn selectors_resolve_only_to_present_content() {
        let v = parse(
            r#"{"description":"d","labels":["a","b"],"external_references":[{"source_name":"x"}]}"#,
        )
        .unwrap();
        let v = v.as_object().unwrap();
        for ok in [
            "description",
            "labels",
            "labels.[1]",
            "external_references.[0].source_name",
        ] {
            assert_eq!(resolve(v, ok), Ok(()), "{ok}");
        }
        for bad in [
            "name",
            "labels.[2]",
            "description.[0]",
            "labels.name",
            "labels.[-1]",
            "",
            "external_references.[0].url",
            "[0]",
        ] {
            assert!(resolve(v, bad).is_err(), "{bad}");
        }
    }
}
