/// The privileges others had on a PostgreSQL state, given again on the one `state rebuild` makes:
/// a dashboard's or an alert's role that read `etl_runs` must go on reading it. The old state's
/// schema (when it was renamed whole) and its tables keep their grants where they went; the new
/// ones would start with their owner's alone.
///
/// Grants are read from the catalog (`aclexplode`) and given by GRANT, one per privilege, WITH
/// GRANT OPTION where the old had it. The owner's own privileges come with ownership.
enum PostgresStateGrants {
    /// Gives `schema` (when `schemaWasRenamed`: it is a new schema) and each state table in it the
    /// privileges the same-named objects in `aside` have. Inside the rebuild's transaction.
    static func copy(from aside: String, to schema: String, schemaWasRenamed: Bool,
                     _ connection: PostgresStateConnection) throws(StateDatabaseError) {
        if schemaWasRenamed {
            let grants = try connection.query(
                """
                SELECT \(grantee), a.privilege_type, a.is_grantable FROM pg_namespace n, aclexplode(n.nspacl) a
                LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE n.nspname = ?1 AND a.grantee <> n.nspowner ORDER BY 1, 2
                """, [.text(aside)])
            for grant in grants {
                try give(grant, on: "SCHEMA \(quoted(schema))", connection)
            }
        }
        for table in PostgresStateSchema.tableNames {
            let grants = try connection.query(
                """
                SELECT \(grantee), a.privilege_type, a.is_grantable FROM pg_class c, aclexplode(c.relacl) a
                LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE c.oid = to_regclass(?1) AND a.grantee <> c.relowner ORDER BY 1, 2
                """, [.text("\(quoted(aside)).\(quoted(table))")])
            for grant in grants {
                try give(grant, on: "TABLE \(quoted(schema)).\(quoted(table))", connection)
            }
        }
    }

    /// The grantee as GRANT names it: PUBLIC for oid 0, else the role's quoted name.
    private static let grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END"

    /// Privilege types are PostgreSQL's own words (SELECT, USAGE, ...), never user text.
    private static func give(_ grant: [SQLiteValue], on object: String, _ connection: PostgresStateConnection) throws(StateDatabaseError) {
        guard let role = grant[0].text, let privilege = grant[1].text,
              privilege.allSatisfy({ $0.isLetter || $0 == " " }) else { return }
        let option = grant[2].text == "t" ? " WITH GRANT OPTION" : ""
        try connection.execute("GRANT \(privilege) ON \(object) TO \(role)\(option)")
    }

    private static func quoted(_ name: String) -> String {
        PostgresStateConnection.quoted(name)
    }
}
