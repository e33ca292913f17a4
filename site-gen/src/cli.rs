//! The command line's options and subcommands (clap). Value names are
//! given in French: clap would derive them from the field names.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Verbosity;

#[derive(Parser)]
#[command(
    name = "site-gen",
    version,
    about = "Construit le site de l’Amie à partir de content/ (Markdown) et d’un thème Tera"
)]
pub(crate) struct Cli {
    /// Dossier du site (contenant content/ et, s’il existe, site.toml).
    #[arg(long, global = true, value_name = "DOSSIER", default_value = ".")]
    pub(crate) root: PathBuf,
    /// N’affiche que les erreurs.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Affiche le détail : fichiers écrits (build), requêtes (serve),
    /// nombre de liens vérifiés (check).
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    pub(crate) fn verbosity(&self) -> Verbosity {
        Verbosity {
            quiet: self.quiet,
            verbose: self.verbose,
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Construit le site dans public/ (ou --output).
    Build(BuildArgs),
    /// Sert le site depuis la mémoire sur http://127.0.0.1:1111, le
    /// reconstruit à chaque modification et recharge les pages ouvertes.
    Serve(ServeArgs),
    /// Construit le site en mémoire et vérifie ses liens : pages et ancres
    /// internes, id en double, pages orphelines (et, sur demande, les liens
    /// vers d’autres sites).
    Check(CheckArgs),
    /// Crée une page (brouillon) : site-gen new actualites/assemblee-generale
    New(NewArgs),
}

// `site-gen build` (its help is the doc comment of its variant).
#[derive(Args)]
pub(crate) struct BuildArgs {
    /// Dossier de sortie (par défaut : public/ dans le dossier du site).
    #[arg(long, short, value_name = "DOSSIER")]
    pub(crate) output: Option<PathBuf>,
    /// Inclut les brouillons (draft = true).
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Remplace base_url de site.toml (déploiements de prévisualisation).
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Ne compile pas le calculateur en WebAssembly (la page des tarifs
    /// garde le calculateur pré-rendu et le tableau statique).
    #[arg(long)]
    pub(crate) no_widget: bool,
    /// Traite les avertissements (valeurs « à compléter »…) comme des
    /// erreurs : rien n’est écrit (pour publier).
    #[arg(long)]
    pub(crate) strict: bool,
}

// `site-gen serve` (its help is the doc comment of its variant).
#[derive(Args)]
pub(crate) struct ServeArgs {
    /// Port d’écoute (0 : un port libre au hasard).
    #[arg(long, short, value_name = "PORT", default_value_t = 1111)]
    pub(crate) port: u16,
    /// Adresse d’écoute. 0.0.0.0 rend le site accessible depuis le
    /// réseau : seulement si c’est voulu.
    #[arg(long, value_name = "ADRESSE", default_value = "127.0.0.1")]
    pub(crate) bind: IpAddr,
    /// Inclut les brouillons (draft = true).
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Adresse du site dans ses liens (par défaut http://<bind>:<port>),
    /// par exemple pour un téléphone avec --bind 0.0.0.0.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Ne compile pas le calculateur en WebAssembly.
    #[arg(long)]
    pub(crate) no_widget: bool,
}

// `site-gen check` (its help is the doc comment of its variant).
#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Inclut les brouillons (draft = true).
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Vérifie aussi les liens vers d’autres sites (10 s par lien, 4 à la fois).
    #[arg(long)]
    pub(crate) external: bool,
    /// Ne vérifie pas les liens externes contenant ce texte (répétable).
    #[arg(long, value_name = "MOTIF", requires = "external")]
    pub(crate) skip: Vec<String>,
    /// Ne compile pas le calculateur en WebAssembly.
    #[arg(long)]
    pub(crate) no_widget: bool,
}

// `site-gen new` (its help is the doc comment of its variant).
#[derive(Args)]
pub(crate) struct NewArgs {
    /// Chemin de la page dans content/, sans .md.
    #[arg(value_name = "CHEMIN")]
    pub(crate) path: String,
}
