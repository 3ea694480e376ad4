//! Adoption: turning what already exists into a roster config. `export` writes a config
//! repository from a live model, `yaml` spells the YAML text. Everything here is pure: it takes
//! models and returns `(path, text)` pairs; reading the platform and writing files is `app`'s job.

pub mod export;
pub mod init;
pub mod sandbox;
pub mod seqerakit;
pub mod world;
pub mod yaml;

/// Generated files: `(path relative to the repository root, text)`, sorted by path.
pub type Files = Vec<(String, String)>;

/// Where every generated repository keeps the JSON Schema, relative to its root.
pub const SCHEMA_PATH: &str = "schemas/roster.schema.json";

/// The yaml-language-server modeline of a file at `path` (relative to the repository root, `/`
/// separated): the schema's path relative to the file's own directory, so it resolves wherever
/// the repository is checked out.
pub fn modeline(path: &str) -> String {
    let depth = path.matches('/').count();
    format!(
        "# yaml-language-server: $schema={}{SCHEMA_PATH}",
        "../".repeat(depth)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn modelines_climb_to_the_root() {
        assert_eq!(
            super::modeline("roster.yaml"),
            "# yaml-language-server: $schema=schemas/roster.schema.json"
        );
        assert_eq!(
            super::modeline("workspaces/lab/ws.yaml"),
            "# yaml-language-server: $schema=../../schemas/roster.schema.json"
        );
    }
}
