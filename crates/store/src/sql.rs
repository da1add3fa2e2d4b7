//! The SQL that selects object versions, written once for both dialects so
//! that filters mean the same thing on SQLite and PostgreSQL.
//!
//! Lists are bound as one parameter whatever their length (`json_each` on
//! SQLite, arrays on PostgreSQL), so each query shape has one text and the
//! prepared-statement caches stay small. A list of one id or one type is
//! written as `=` instead, because both planners then walk
//! `objects_by_type` in `date_added` order (PostgreSQL 15 cannot do that
//! for `= ANY`), and SQLite is told to use `objects_by_id` when ids are
//! given: without statistics it would rather walk the whole collection in
//! `date_added` order and filter.

use liaison_core::objects::{ObjectQuery, VersionFilter};

/// Which placeholder and list syntax to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
    Texts(Vec<String>),
    Ints(Vec<i64>),
}

/// A statement being written, with its parameters in placeholder order.
#[derive(Debug)]
pub(crate) struct Sql {
    pub text: String,
    pub params: Vec<Param>,
    dialect: Dialect,
}

impl Sql {
    pub fn new(dialect: Dialect, text: &str) -> Self {
        Sql {
            text: text.to_owned(),
            params: Vec::new(),
            dialect,
        }
    }

    /// Adds a parameter and returns its placeholder.
    fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        match self.dialect {
            Dialect::Sqlite => format!("?{}", self.params.len()),
            Dialect::Postgres => format!("${}", self.params.len()),
        }
    }

    /// `column` is one of the values of a list parameter.
    fn in_list(&mut self, column: &str, param: Param) -> String {
        let p = self.bind(param);
        list_condition(self.dialect, column, &p)
    }

    /// `column` is one of `values` (not empty): `=` for one value.
    fn one_of(&mut self, column: &str, values: &[String]) -> String {
        match values {
            [one] => format!("{column} = {}", self.bind(Param::Text(one.clone()))),
            _ => self.in_list(column, Param::Texts(values.to_vec())),
        }
    }

    /// `FROM objects AS o`, with SQLite's index hint for id lookups.
    fn write_from(&mut self, selection: &Selection<'_>) {
        self.text.push_str(" FROM objects AS o");
        if self.dialect == Dialect::Sqlite && !selection.ids.is_empty() {
            self.text.push_str(" INDEXED BY objects_by_id");
        }
    }
}

/// Which versions of one collection a query or a delete selects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Selection<'a> {
    /// The collection's internal key.
    pub collection: i64,
    pub added_after: Option<i64>,
    pub ids: &'a [String],
    pub types: &'a [String],
    pub versions: &'a VersionFilter,
    pub spec_versions: &'a [String],
    /// Only versions whose TLP rank is at most this.
    pub max_tlp: Option<u8>,
}

impl<'a> Selection<'a> {
    /// What `query` selects in the collection whose key is `collection`.
    pub fn of_query(collection: i64, query: &'a ObjectQuery) -> Selection<'a> {
        Selection {
            collection,
            added_after: query.added_after,
            ids: &query.ids,
            types: &query.types,
            versions: &query.versions,
            spec_versions: &query.spec_versions,
            max_tlp: query.max_tlp,
        }
    }

    /// False when the version filter selects nothing at all (an empty union),
    /// so no statement needs to run.
    pub fn can_match(&self) -> bool {
        match self.versions {
            VersionFilter::All => true,
            VersionFilter::Some { first, last, exact } => *first || *last || !exact.is_empty(),
        }
    }

    /// Appends ` WHERE …` for rows aliased `o`.
    fn write_where(&self, sql: &mut Sql) {
        let collection = sql.bind(Param::Int(self.collection));
        let mut conditions = vec![format!("o.collection = {collection}")];
        if let Some(after) = self.added_after {
            conditions.push(format!("o.date_added > {}", sql.bind(Param::Int(after))));
        }
        if !self.ids.is_empty() {
            conditions.push(sql.one_of("o.id", self.ids));
        }
        if !self.types.is_empty() {
            conditions.push(sql.one_of("o.type", self.types));
        }
        if let Some(max) = self.max_tlp {
            let p = sql.bind(Param::Int(i64::from(max)));
            // PostgreSQL would infer the parameter's type from the SMALLINT
            // column; the cast keeps every integer parameter an int8.
            conditions.push(match sql.dialect {
                Dialect::Sqlite => format!("o.tlp <= {p}"),
                Dialect::Postgres => format!("o.tlp <= {p}::int8"),
            });
        }
        // Bound once, used again by the first/last subqueries.
        let spec = (!self.spec_versions.is_empty())
            .then(|| sql.bind(Param::Texts(self.spec_versions.to_vec())));
        if let Some(p) = &spec {
            conditions.push(list_condition(sql.dialect, "o.spec_version", p));
        }
        if let VersionFilter::Some { first, last, exact } = self.versions {
            let mut any = Vec::new();
            if *first {
                any.push(extreme(sql.dialect, "MIN", "o.is_first", spec.as_deref()));
            }
            if *last {
                any.push(extreme(sql.dialect, "MAX", "o.is_last", spec.as_deref()));
            }
            if !exact.is_empty() {
                let p = sql.bind(Param::Ints(exact.clone()));
                let versioned = list_condition(sql.dialect, "o.version_key", &p);
                // Unversioned objects show their date_added as their version
                // (see NewObject::display_version), so they match by it.
                let shown = list_condition(sql.dialect, "o.date_added", &p);
                let none = sql.bind(Param::Int(liaison_core::objects::UNVERSIONED));
                any.push(format!(
                    "{versioned} OR (o.version_key = {none} AND {shown})"
                ));
            }
            conditions.push(format!("({})", any.join(" OR ")));
        }
        sql.text.push_str(" WHERE ");
        sql.text.push_str(&conditions.join(" AND "));
    }
}

/// `column` is in the list already bound as placeholder `p`.
fn list_condition(dialect: Dialect, column: &str, p: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each({p}))"),
        Dialect::Postgres => format!("{column} = ANY({p})"),
    }
}

/// The first (`MIN`) or last (`MAX`) version of each object. Without a spec
/// version filter that is the flag kept on every insert and delete; with
/// one, first and last are decided among the acceptable versions only.
fn extreme(dialect: Dialect, aggregate: &str, flag: &str, spec: Option<&str>) -> String {
    match spec {
        None => flag.to_owned(),
        Some(p) => format!(
            "o.version_key = (SELECT {aggregate}(v.version_key) FROM objects v \
             WHERE v.collection = o.collection AND v.id = o.id AND {})",
            list_condition(dialect, "v.spec_version", p)
        ),
    }
}

/// One page of a query, in `date_added` order, `limit` rows at most.
/// Columns: id, version, spec_version, date_added, json (empty text when
/// `with_json` is false).
pub(crate) fn select_page(
    dialect: Dialect,
    selection: &Selection<'_>,
    limit: i64,
    with_json: bool,
) -> Sql {
    let json = if with_json { "o.json" } else { "''" };
    let mut sql = Sql::new(
        dialect,
        &format!("SELECT o.id, o.version, o.spec_version, o.date_added, {json}"),
    );
    sql.write_from(selection);
    selection.write_where(&mut sql);
    let limit = sql.bind(Param::Int(limit));
    sql.text
        .push_str(&format!(" ORDER BY o.date_added LIMIT {limit}"));
    sql
}

/// Deletes the selected versions.
pub(crate) fn delete_versions(dialect: Dialect, selection: &Selection<'_>) -> Sql {
    let mut sql = Sql::new(dialect, "DELETE");
    sql.write_from(selection);
    selection.write_where(&mut sql);
    sql
}

/// Sets the first/last flags of every version of one object from scratch
/// (after a delete). Parameters: collection, id.
pub(crate) fn repair_flags(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "UPDATE objects SET \
             is_first = (version_key = (SELECT MIN(v.version_key) FROM objects v WHERE v.collection = ?1 AND v.id = ?2)), \
             is_last = (version_key = (SELECT MAX(v.version_key) FROM objects v WHERE v.collection = ?1 AND v.id = ?2)) \
             WHERE collection = ?1 AND id = ?2"
        }
        Dialect::Postgres => {
            "UPDATE objects SET \
             is_first = (version_key = (SELECT MIN(v.version_key) FROM objects v WHERE v.collection = $1 AND v.id = $2)), \
             is_last = (version_key = (SELECT MAX(v.version_key) FROM objects v WHERE v.collection = $1 AND v.id = $2)) \
             WHERE collection = $1 AND id = $2"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn every_filter_is_written() {
        let (ids, types, spec) = (texts(&["a", "b"]), texts(&["indicator"]), texts(&["2.1"]));
        let versions = VersionFilter::Some {
            first: true,
            last: true,
            exact: vec![5],
        };
        let selection = Selection {
            collection: 1,
            added_after: Some(10),
            ids: &ids,
            types: &types,
            versions: &versions,
            spec_versions: &spec,
            max_tlp: None,
        };
        let sql = select_page(Dialect::Postgres, &selection, 11, false);
        let subquery = |f: &str| {
            format!(
                "o.version_key = (SELECT {f}(v.version_key) FROM objects v WHERE v.collection = o.collection \
                 AND v.id = o.id AND v.spec_version = ANY($5))"
            )
        };
        assert_eq!(
            sql.text,
            format!(
                "SELECT o.id, o.version, o.spec_version, o.date_added, '' FROM objects AS o \
                 WHERE o.collection = $1 AND o.date_added > $2 AND o.id = ANY($3) AND o.type = $4 \
                 AND o.spec_version = ANY($5) AND ({} OR {} OR o.version_key = ANY($6) \
                 OR (o.version_key = $7 AND o.date_added = ANY($6))) ORDER BY o.date_added LIMIT $8",
                subquery("MIN"),
                subquery("MAX")
            )
        );
        assert_eq!(sql.params.len(), 8);
        assert_eq!(sql.params[3], Param::Text("indicator".into()));

        let sqlite = select_page(Dialect::Sqlite, &selection, 11, true);
        assert!(
            sqlite
                .text
                .contains("o.json FROM objects AS o INDEXED BY objects_by_id WHERE")
        );
        assert!(
            sqlite
                .text
                .contains("o.id IN (SELECT value FROM json_each(?3))"),
            "{}",
            sqlite.text
        );

        let plain = Selection {
            spec_versions: &[],
            ids: &[],
            types: &[],
            added_after: None,
            ..selection
        };
        let sql = select_page(Dialect::Sqlite, &plain, 2, true);
        assert!(!sql.text.contains("INDEXED BY"));
        assert!(
            sql.text.contains(
                "(o.is_first OR o.is_last OR o.version_key IN (SELECT value FROM json_each(?2)) \
                 OR (o.version_key = ?3 AND o.date_added IN (SELECT value FROM json_each(?2))))"
            ),
            "{}",
            sql.text
        );
        let none = VersionFilter::Some {
            first: false,
            last: false,
            exact: vec![],
        };
        assert!(
            !Selection {
                versions: &none,
                ..plain
            }
            .can_match()
        );
    }

    #[test]
    fn tlp_ceilings_are_written_per_dialect() {
        let all = VersionFilter::All;
        let selection = Selection {
            collection: 1,
            added_after: None,
            ids: &[],
            types: &[],
            versions: &all,
            spec_versions: &[],
            max_tlp: Some(2),
        };
        let pg = select_page(Dialect::Postgres, &selection, 5, true);
        assert!(
            pg.text
                .contains("WHERE o.collection = $1 AND o.tlp <= $2::int8 ORDER BY"),
            "{}",
            pg.text
        );
        assert_eq!(pg.params[1], Param::Int(2));
        let sqlite = select_page(Dialect::Sqlite, &selection, 5, true);
        assert!(
            sqlite.text.contains("AND o.tlp <= ?2 ORDER BY"),
            "{}",
            sqlite.text
        );
    }

    #[test]
    fn deletes_use_the_id_index() {
        let ids = texts(&["a"]);
        let all = VersionFilter::All;
        let selection = Selection {
            collection: 1,
            added_after: None,
            ids: &ids,
            types: &[],
            versions: &all,
            spec_versions: &[],
            max_tlp: None,
        };
        assert_eq!(
            delete_versions(Dialect::Sqlite, &selection).text,
            "DELETE FROM objects AS o INDEXED BY objects_by_id WHERE o.collection = ?1 AND o.id = ?2"
        );
    }
}
