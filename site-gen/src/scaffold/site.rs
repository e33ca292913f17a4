//! `site-gen init [DIR]`: a new site that builds at once: `site.toml`, a
//! home page, one page, a news section, the pricing data (the shipped
//! model, copied from the repository's one file) and the calculator page.
//! Every figure is printed by `chiffre()`, every value nobody gave is left
//! « à compléter »; an existing folder that is not empty is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::TITLE_TO_FILL;

use super::FileError;

/// The association's published model: the one source of its numbers.
const TARIFS: &str = include_str!("../../../content/tarifs.toml");

const HOME: &str = r#"+++
title = {title}
description = ""
+++

Bienvenue sur le site de {{ organisation(champ="name") }}.

Texte à compléter : présentez l’association en quelques phrases (qui vous êtes, où vous intervenez, pour quelles structures). La page [Combien ça coûte ?](@/combien-ca-coute.md) donne le prix d’une part et un calculateur.
"#;

const PAGE: &str = r#"+++
title = "Présentation"
description = ""
+++

Texte à compléter : l’histoire de l’association, son projet, les structures qu’elle accompagne.
"#;

const NEWS: &str = r#"+++
title = "Actualités"
description = "Les nouvelles de l’association."
# Une actualité : site-gen new actualites "Titre de l’actualité"
+++
"#;

const PRICING_PAGE: &str = r#"+++
title = "Combien ça coûte ?"
description = "Le budget de l’association, le prix d’une part et un calculateur pour estimer vos besoins."
# Les chiffres viennent de content/tarifs.toml : ne les tapez jamais à la
# main, écrivez {{ chiffre(nom="…") }} (voir le README).
+++

Les structures financent ensemble un poste salarié : le budget annuel de l’association, {{ chiffre(nom="budget") }}, est partagé en {{ chiffre(nom="parts") }}. Une part coûte {{ chiffre(nom="prix_part") }} par an, soit environ {{ chiffre(nom="prix_part_mois") }} par mois, et donne environ {{ chiffre(nom="jours_par_part") }} de travail par an.

| Dépenses | Par an |
| --- | ---: |
| Salaires | {{ chiffre(nom="salaires") }} |
| Frais de fonctionnement | {{ chiffre(nom="frais_de_fonctionnement") }} |
| **Total** | **{{ chiffre(nom="budget") }}** |

## Estimer vos besoins {#calculateur}

{{ calculateur() }}
"#;

const CONFIG: &str = r#"# Configuration du site. Toutes les clés sont facultatives ; une clé
# inconnue est une erreur (pour qu’une faute de frappe se voie).

# Le nom du site (en-tête, titre des pages, flux).
title = {title}
description = ""
# Adresse publique du site, à compléter (remplaçable par --base-url au
# moment de publier) :
# base_url = "https://…"
language = "fr"
pricing_data = "content/tarifs.toml"

[[menu]]
name = "Présentation"
url = "@/presentation.md"

[[menu]]
name = "Combien ça coûte ?"
url = "@/combien-ca-coute.md"

[[menu]]
name = "Actualités"
url = "@/actualites/_index.md"

# L’association qui publie le site : pied de page, données structurées et
# {{ organisation(champ="…") }}. Une valeur absente s’affiche « à compléter »
# et `site-gen build` le signale (`build --strict` refuse alors de publier).
[organisation]
{name}# address = "…"               # adresse du siège (plusieurs lignes : "\n")
# email = "…"                 # courriel de contact
# phone = "…"                 # téléphone
# url = "…"                   # adresse du site de l’association
# rna = "W…"                  # numéro RNA de l’association
# siret = "…"                 # numéro SIRET
# publication_director = "…"  # directrice ou directeur de la publication
# host = "…"                  # hébergeur du site : nom, adresse, téléphone
"#;

/// A site created by [`init_site`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initialized {
    /// The site's folder, as given.
    pub root: PathBuf,
    /// The files written, relative to `root`, in the order written.
    pub files: Vec<PathBuf>,
}

/// Why `site-gen init` created nothing (or stopped at a file).
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "{} n’est pas vide : rien n’a été créé. Choisissez un dossier vide ou un nouveau \
         nom, par exemple : site-gen init mon-site",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("{} existe et n’est pas un dossier : rien n’a été créé", .0.display())]
    NotAFolder(PathBuf),
    #[error("le nom de l’association est vide ou contient un caractère de contrôle")]
    BadName,
    #[error(transparent)]
    Io(#[from] FileError),
}

/// The files of a new site named `name` (else « à compléter »), relative
/// to its folder.
pub fn site_files(name: Option<&str>) -> Result<Vec<(&'static str, String)>, InitError> {
    let name = match name.map(str::trim) {
        Some(n) if n.is_empty() || n.chars().any(char::is_control) => {
            return Err(InitError::BadName)
        }
        other => other,
    };
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let site_title = quoted(name.unwrap_or(TITLE_TO_FILL));
    let org_name = match name {
        Some(n) => format!("name = {}\n", quoted(n)),
        None => "# name = \"…\"                # nom de l’association\n".to_string(),
    };
    Ok(vec![
        (
            "site.toml",
            CONFIG
                .replacen("{title}", &site_title, 1)
                .replacen("{name}", &org_name, 1),
        ),
        (
            "content/_index.md",
            HOME.replacen("{title}", &quoted(name.unwrap_or("Accueil")), 1),
        ),
        ("content/presentation.md", PAGE.to_string()),
        ("content/actualites/_index.md", NEWS.to_string()),
        ("content/combien-ca-coute.md", PRICING_PAGE.to_string()),
        ("content/tarifs.toml", TARIFS.to_string()),
    ])
}

/// Creates a new site in `dir` (created if absent, refused unless empty),
/// named `name`. Each file is created new: none is ever overwritten.
pub fn init_site(dir: &Path, name: Option<&str>) -> Result<Initialized, InitError> {
    let files = site_files(name)?;
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(InitError::NotAFolder(dir.to_path_buf())),
        Ok(_) => {
            let mut entries =
                std::fs::read_dir(dir).map_err(FileError::of("impossible de lire", dir))?;
            if entries.next().is_some() {
                return Err(InitError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(FileError::of("impossible de créer le dossier", dir))?,
        Err(e) => return Err(FileError::of("impossible de lire", dir)(e).into()),
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(FileError::of("impossible de créer le dossier", parent))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(FileError::of("impossible de créer", &path))?;
        file.write_all(text.as_bytes())
            .map_err(FileError::of("impossible d’écrire dans", &path))?;
        written.push(PathBuf::from(rel));
    }
    Ok(Initialized {
        root: dir.to_path_buf(),
        files: written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_parse_with_or_without_a_name() {
        for name in [None, Some("L’Amie \"du\" Perche")] {
            let files = site_files(name).unwrap();
            let config = &files.iter().find(|(p, _)| *p == "site.toml").unwrap().1;
            let config = crate::config::Config::parse(config, Path::new("site.toml")).unwrap();
            assert_eq!(config.title, name.unwrap_or(TITLE_TO_FILL));
            assert_eq!(config.organisation.name.as_deref(), name);
            for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".md")) {
                crate::content::front_matter::split(text)
                    .unwrap_or_else(|e| panic!("{path}: {e:?}"));
            }
        }
        assert!(matches!(site_files(Some(" ")), Err(InitError::BadName)));
        assert!(matches!(site_files(Some("a\nb")), Err(InitError::BadName)));
    }

    #[test]
    fn the_pricing_data_is_the_shipped_file() {
        let files = site_files(None).unwrap();
        let tarifs = &files
            .iter()
            .find(|(p, _)| *p == "content/tarifs.toml")
            .unwrap()
            .1;
        assert_eq!(tarifs, TARIFS);
    }
}
