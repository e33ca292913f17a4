//! The command line's options and subcommands (clap).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "site-gen",
    version,
    about = "Construit le site de l’Amie à partir de content/ (Markdown) et d’un thème Tera"
)]
pub(crate) struct Cli {
    /// Dossier du site (contenant content/ et, s’il existe, site.toml).
    #[arg(long, global = true, default_value = ".")]
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

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Construit le site dans public/ (ou --output).
    Build {
        /// Dossier de sortie (par défaut : public/ dans le dossier du site).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Inclut les brouillons (draft = true).
        #[arg(long)]
        drafts: bool,
        /// Remplace base_url de site.toml (déploiements de prévisualisation).
        #[arg(long)]
        base_url: Option<String>,
        /// Ne compile pas le calculateur en WebAssembly (la page des tarifs
        /// garde le calculateur pré-rendu et le tableau statique).
        #[arg(long)]
        no_widget: bool,
        /// Traite les avertissements (valeurs « à compléter »…) comme des
        /// erreurs : rien n’est écrit (pour publier).
        #[arg(long)]
        strict: bool,
    },
    /// Sert le site depuis la mémoire sur http://127.0.0.1:1111, le
    /// reconstruit à chaque modification et recharge les pages ouvertes.
    Serve {
        /// Port d’écoute (0 : un port libre au hasard).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Adresse d’écoute. 0.0.0.0 rend le site accessible depuis le
        /// réseau : seulement si c’est voulu.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Inclut les brouillons (draft = true).
        #[arg(long)]
        drafts: bool,
        /// Adresse du site dans ses liens (par défaut http://<bind>:<port>),
        /// par exemple pour un téléphone avec --bind 0.0.0.0.
        #[arg(long)]
        base_url: Option<String>,
        /// Ne compile pas le calculateur en WebAssembly.
        #[arg(long)]
        no_widget: bool,
    },
    /// Construit le site en mémoire et vérifie ses liens : pages et ancres
    /// internes, id en double, pages orphelines (et, sur demande, les liens
    /// vers d’autres sites).
    Check {
        /// Inclut les brouillons (draft = true).
        #[arg(long)]
        drafts: bool,
        /// Vérifie aussi les liens vers d’autres sites (10 s par lien, 4 à la fois).
        #[arg(long)]
        external: bool,
        /// Ne vérifie pas les liens externes contenant ce texte (répétable).
        #[arg(long, value_name = "MOTIF", requires = "external")]
        skip: Vec<String>,
        /// Ne compile pas le calculateur en WebAssembly.
        #[arg(long)]
        no_widget: bool,
    },
    /// Crée une page (brouillon) : site-gen new actualites/assemblee-generale
    New {
        /// Chemin de la page dans content/, sans .md.
        #[arg(value_name = "CHEMIN")]
        path: String,
    },
}
