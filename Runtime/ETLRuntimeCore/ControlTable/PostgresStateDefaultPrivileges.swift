/// The default privileges (`ALTER DEFAULT PRIVILEGES [FOR ROLE r] IN SCHEMA s GRANT ...`) others
/// had set on a PostgreSQL state's schema, set again on the schema `state rebuild` makes when it
/// renamed the old one: they belong to the schema's oid, so they went with the old schema, and a
/// table an operator adds to the new one (a view for the dashboard) would otherwise no longer be
/// readable by the roles that read every table there.
///
/// Only defaults for a role the state's role may act for (itself, or a role it is a member of)
/// can be set; the others are named in `notCarried` with why, and the rebuild goes on: they are
/// an administrator's to set again, and the state works without them.
enum PostgresStateDefaultPrivileges {
    /// Sets on `schema` the default privileges that `aside` (the renamed old schema) has; returns
    /// what could not be set, one sentence each. Inside the rebuild's transaction.
    static func copy(from aside: String, to schema: String, _ connection: PostgresStateConnection) throws(StateDatabaseError) -> [String] {
        let defaults = try connection.query(
            """
            SELECT quote_ident(o.rolname), o.rolname, pg_has_role(d.defaclrole, 'MEMBER'), d.defaclobjtype::text,
                   \(grantee), a.privilege_type, a.is_grantable
            FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace JOIN pg_roles o ON o.oid = d.defaclrole,
                 aclexplode(d.defaclacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = ?1 ORDER BY 2, 4, 5, 6
            """, [.text(aside)])
        var notCarried: [String] = []
        for row in defaults {
            guard let forRole = row[0].text, let roleName = row[1].text, let kind = row[3].text, let grantee = row[4].text,
                  let privilege = row[5].text, privilege.allSatisfy({ $0.isLetter || $0 == " " }) else { continue }
            let option = row[6].text == "t" ? " WITH GRANT OPTION" : ""
            guard let objectKind = objects[kind] else {
                notCarried.append(
                    "role \(roleName)'s default \(privilege) for \(grantee) in schema \(aside), on objects of kind \"\(kind)\": "
                        + "this etl-runtime does not know that kind of object; set it on the new schema by hand")
                continue
            }
            let statement = "ALTER DEFAULT PRIVILEGES FOR ROLE \(forRole) IN SCHEMA \(quoted(schema)) GRANT \(privilege) ON \(objectKind) TO \(grantee)\(option)"
            guard row[2].text == "t" else {
                notCarried.append(
                    "\(statement) (role \(roleName)'s default in the old schema): the state's role is not a member of \(roleName), "
                        + "and only a member may set that role's defaults; run it as \(roleName) or a superuser")
                continue
            }
            // A refusal the membership check did not foresee must not undo the rebuild.
            try connection.execute("SAVEPOINT etl_default_privilege")
            do {
                try connection.execute(statement)
                try connection.execute("RELEASE SAVEPOINT etl_default_privilege")
            } catch {
                try connection.execute("ROLLBACK TO SAVEPOINT etl_default_privilege")
                notCarried.append("\(statement) (role \(roleName)'s default in the old schema): the server refused it (\(error.message))")
            }
        }
        return notCarried
    }

    /// `pg_default_acl.defaclobjtype` as ALTER DEFAULT PRIVILEGES names it (schemas, and large
    /// objects from PostgreSQL 18, have no per-schema defaults).
    private static let objects = ["r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES"]

    /// The grantee as GRANT names it: PUBLIC for oid 0, else the role's quoted name.
    private static let grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END"

    private static func quoted(_ name: String) -> String {
        PostgresStateConnection.quoted(name)
    }
}
