"""Interface texts of the pages: French first, then Dutch, German and English."""

from __future__ import annotations

from typing import Protocol

UI: dict[str, dict[str, str]] = {
    "title": {
        "fr": "Relais — vers qui orienter ?",
        "nl": "Relais — naar wie doorverwijzen?",
        "de": "Relais — wohin weitervermitteln?",
        "en": "Relais — who to refer to?",
    },
    "tagline": {
        "fr": "Annuaire des Plateformes Violences de l'arrondissement judiciaire de Liège",
        "nl": "Gids van de Platforms Geweld van het gerechtelijk arrondissement Luik",
        "de": "Verzeichnis der Plattformen Gewalt des Gerichtsbezirks Lüttich",
        "en": "Directory of the partner-violence platforms of the judicial arrondissement of Liège",
    },
    "served": {
        "fr": "Annuaire affiché :",
        "nl": "Getoonde gids:",
        "de": "Angezeigtes Verzeichnis:",
        "en": "Directory shown:",
    },
    "fictional": {
        "fr": "Données fictives de démonstration",
        "nl": "Fictieve demonstratiegegevens",
        "de": "Fiktive Demonstrationsdaten",
        "en": "Fictional demonstration data",
    },
    "unnamed_directory": {
        "fr": "annuaire sans nom (chargé sans fichier directory.yaml)",
        "nl": "gids zonder naam (geladen zonder directory.yaml)",
        "de": "Verzeichnis ohne Namen (ohne directory.yaml geladen)",
        "en": "unnamed directory (loaded without a directory.yaml)",
    },
    "quick_exit": {"fr": "Quitter vite", "nl": "Snel weg", "de": "Schnell verlassen", "en": "Quick exit"},
    "quick_exit_hint": {"fr": "ou touche Échap", "nl": "of Esc-toets", "de": "oder Esc-Taste", "en": "or Esc key"},
    "situation": {"fr": "Situation", "nl": "Situatie", "de": "Situation", "en": "Situation"},
    "situation_search": {
        "fr": "Chercher une situation (toutes langues)",
        "nl": "Situatie zoeken (alle talen)",
        "de": "Situation suchen (alle Sprachen)",
        "en": "Search a situation (any language)",
    },
    "need": {"fr": "Besoin (facultatif)", "nl": "Nood (optioneel)", "de": "Bedarf (optional)", "en": "Need (optional)"},
    "place": {
        "fr": "Commune ou code postal",
        "nl": "Gemeente of postcode",
        "de": "Gemeinde oder Postleitzahl",
        "en": "Commune or postcode",
    },
    "language": {
        "fr": "Langue parlée par la personne",
        "nl": "Taal van de persoon",
        "de": "Sprache der Person",
        "en": "Language the person speaks",
    },
    "audience": {"fr": "Public", "nl": "Doelgroep", "de": "Zielgruppe", "en": "Audience"},
    "any": {"fr": "— indifférent —", "nl": "— om het even —", "de": "— egal —", "en": "— any —"},
    "urgent": {
        "fr": "Urgent (danger maintenant)",
        "nl": "Dringend (nu gevaar)",
        "de": "Dringend (jetzt Gefahr)",
        "en": "Urgent (danger now)",
    },
    "my_org": {
        "fr": "Mon organisation (facultatif)",
        "nl": "Mijn organisatie (optioneel)",
        "de": "Meine Organisation (optional)",
        "en": "My organisation (optional)",
    },
    "search": {"fr": "Trouver", "nl": "Zoeken", "de": "Suchen", "en": "Find"},
    "print": {
        "fr": "Imprimer la fiche d'orientation",
        "nl": "Doorverwijsfiche afdrukken",
        "de": "Vermittlungsblatt drucken",
        "en": "Print the referral sheet",
    },
    "emergency": {
        "fr": "Danger immédiat : appelez le 112 ou la police au 101.",
        "nl": "Acuut gevaar: bel 112 of de politie op 101.",
        "de": "Akute Gefahr: Notruf 112 oder Polizei 101.",
        "en": "Immediate danger: call 112, or the police on 101.",
    },
    "results": {"fr": "Résultats", "nl": "Resultaten", "de": "Ergebnisse", "en": "Results"},
    "why": {"fr": "Pourquoi", "nl": "Waarom", "de": "Warum", "en": "Why"},
    "contacts": {"fr": "Contacts", "nl": "Contact", "de": "Kontakt", "en": "Contacts"},
    "places": {"fr": "places libres", "nl": "vrije plaatsen", "de": "freie Plätze", "en": "places free"},
    "path": {
        "fr": "Via vos partenaires",
        "nl": "Via uw partners",
        "de": "Über Ihre Partner",
        "en": "Through your partners",
    },
    "verified": {"fr": "Vérifié le", "nl": "Gecontroleerd op", "de": "Geprüft am", "en": "Verified on"},
    "never_verified": {
        "fr": "Jamais vérifié",
        "nl": "Nooit gecontroleerd",
        "de": "Nie geprüft",
        "en": "Never verified",
    },
    "alternative": {"fr": "Alternative", "nl": "Alternatief", "de": "Alternative", "en": "Alternative"},
    "always": {
        "fr": "Toujours joignables",
        "nl": "Altijd bereikbaar",
        "de": "Immer erreichbar",
        "en": "Always reachable",
    },
    "pathway": {"fr": "Parcours de prise en charge", "nl": "Zorgpad", "de": "Versorgungspfad", "en": "Care pathway"},
    "sign_in": {"fr": "Se connecter", "nl": "Aanmelden", "de": "Anmelden", "en": "Sign in"},
    "sign_out": {"fr": "Se déconnecter", "nl": "Afmelden", "de": "Abmelden", "en": "Sign out"},
    "api_key": {
        "fr": "Clé d'accès (API)",
        "nl": "Toegangssleutel (API)",
        "de": "Zugangsschlüssel (API)",
        "en": "Access key (API)",
    },
    "signed_in_as": {"fr": "Connecté·e", "nl": "Aangemeld", "de": "Angemeldet", "en": "Signed in"},
    "public_view": {
        "fr": "Vue publique : seules les informations publiques sont affichées.",
        "nl": "Publieke weergave: alleen openbare gegevens.",
        "de": "Öffentliche Ansicht: nur öffentliche Angaben.",
        "en": "Public view: only public information is shown.",
    },
    "coordination": {"fr": "Coordination", "nl": "Coördinatie", "de": "Koordination", "en": "Coordination"},
    # --- the coordinators' dashboard, sign-in, roles and page messages (issue 17, item 9) ---
    "role_public": {"fr": "public", "nl": "publiek", "de": "Öffentlichkeit", "en": "public"},
    "role_professional": {"fr": "professionnel·le", "nl": "professional", "de": "Fachperson", "en": "professional"},
    "role_editor": {"fr": "éditrice·teur", "nl": "redacteur", "de": "Redaktion", "en": "editor"},
    "role_coordinator": {"fr": "coordinatrice·teur", "nl": "coördinator", "de": "Koordination", "en": "coordinator"},
    "tab_gaps": {"fr": "Lacunes", "nl": "Leemten", "de": "Lücken", "en": "Gaps"},
    "tab_map": {"fr": "Carte", "nl": "Kaart", "de": "Karte", "en": "Map"},
    "tab_coverage": {"fr": "Couverture", "nl": "Dekking", "de": "Abdeckung", "en": "Coverage"},
    "tab_stale": {"fr": "Fiches anciennes", "nl": "Oude fiches", "de": "Alte Einträge", "en": "Old records"},
    "tab_edit": {"fr": "Modifier", "nl": "Bewerken", "de": "Bearbeiten", "en": "Edit"},
    "tab_changes": {"fr": "Journal", "nl": "Logboek", "de": "Protokoll", "en": "Log"},
    "sections": {"fr": "sections", "nl": "onderdelen", "de": "Abschnitte", "en": "sections"},
    "gaps_title": {
        "fr": "Lacunes du réseau",
        "nl": "Leemten in het netwerk",
        "de": "Lücken im Netzwerk",
        "en": "Network gaps",
    },
    "report_link": {
        "fr": "Rapport imprimable",
        "nl": "Afdrukbaar verslag",
        "de": "Druckbarer Bericht",
        "en": "Printable report",
    },
    "col_division": {"fr": "Division", "nl": "Afdeling", "de": "Abteilung", "en": "Division"},
    "col_gap": {"fr": "Lacune", "nl": "Leemte", "de": "Lücke", "en": "Gap"},
    "col_detail": {"fr": "Détail", "nl": "Toelichting", "de": "Einzelheiten", "en": "Details"},
    "map_title": {"fr": "Carte du réseau", "nl": "Netwerkkaart", "de": "Netzwerkkarte", "en": "Network map"},
    "map_open": {
        "fr": "Ouvrir la carte en plein écran",
        "nl": "Kaart op volledig scherm openen",
        "de": "Karte im Vollbild öffnen",
        "en": "Open the map full screen",
    },
    "heatmap_title": {
        "fr": "Couverture par situation et division",
        "nl": "Dekking per situatie en afdeling",
        "de": "Abdeckung nach Situation und Abteilung",
        "en": "Coverage by situation and division",
    },
    "heatmap_alt": {
        "fr": "Carte de chaleur de la couverture : nombre de prestataires par situation ou besoin et par division",
        "nl": "Warmtekaart van de dekking: aantal aanbieders per situatie of nood en per afdeling",
        "de": "Heatmap der Abdeckung: Zahl der Anbieter nach Situation oder Bedarf und Abteilung",
        "en": "Coverage heatmap: number of providers per situation or need and per division",
    },
    "stale_title": {
        "fr": "Fiches non vérifiées depuis plus d'un an",
        "nl": "Fiches die al meer dan een jaar niet gecontroleerd zijn",
        "de": "Einträge, die seit über einem Jahr nicht geprüft wurden",
        "en": "Records not verified for over a year",
    },
    "edit_title": {
        "fr": "Modifier l'annuaire",
        "nl": "De gids bewerken",
        "de": "Das Verzeichnis bearbeiten",
        "en": "Edit the directory",
    },
    "organisation": {"fr": "Organisation", "nl": "Organisatie", "de": "Organisation", "en": "Organisation"},
    "service": {"fr": "Service", "nl": "Dienst", "de": "Dienst", "en": "Service"},
    "open": {"fr": "Ouvrir", "nl": "Openen", "de": "Öffnen", "en": "Open"},
    "name": {"fr": "Nom", "nl": "Naam", "de": "Name", "en": "Name"},
    "org_type": {"fr": "Type", "nl": "Soort", "de": "Art", "en": "Type"},
    "status": {"fr": "Statut", "nl": "Status", "de": "Status", "en": "Status"},
    "status_active": {"fr": "active", "nl": "actief", "de": "aktiv", "en": "active"},
    "status_inactive": {"fr": "inactive", "nl": "inactief", "de": "inaktiv", "en": "inactive"},
    "description_no_person": {
        "fr": "Description (jamais de données sur des personnes)",
        "nl": "Beschrijving (nooit gegevens over personen)",
        "de": "Beschreibung (niemals Angaben zu Personen)",
        "en": "Description (never data about persons)",
    },
    "source": {"fr": "Source", "nl": "Bron", "de": "Quelle", "en": "Source"},
    "verified_on_field": {"fr": "Vérifiée le", "nl": "Gecontroleerd op", "de": "Geprüft am", "en": "Verified on"},
    "situations_codes": {
        "fr": "Situations (codes, séparés par ;)",
        "nl": "Situaties (codes, gescheiden door ;)",
        "de": "Situationen (Codes, getrennt durch ;)",
        "en": "Situations (codes, separated by ;)",
    },
    "needs_codes": {
        "fr": "Besoins (codes, séparés par ;)",
        "nl": "Noden (codes, gescheiden door ;)",
        "de": "Bedarfe (Codes, getrennt durch ;)",
        "en": "Needs (codes, separated by ;)",
    },
    "languages": {"fr": "Langues", "nl": "Talen", "de": "Sprachen", "en": "Languages"},
    "save_service": {
        "fr": "Enregistrer le service",
        "nl": "Dienst opslaan",
        "de": "Dienst speichern",
        "en": "Save the service",
    },
    "link_add_title": {
        "fr": "Ajouter un lien de coopération depuis {name}",
        "nl": "Een samenwerkingsband toevoegen vanuit {name}",
        "de": "Eine Kooperationsverbindung von {name} aus hinzufügen",
        "en": "Add a cooperation link from {name}",
    },
    "link_with": {"fr": "Avec", "nl": "Met", "de": "Mit", "en": "With"},
    "link_kind": {"fr": "Nature", "nl": "Soort samenwerking", "de": "Art der Zusammenarbeit", "en": "Kind"},
    "link_informal": {"fr": "informel", "nl": "informeel", "de": "informell", "en": "informal"},
    "link_convention": {"fr": "convention", "nl": "overeenkomst", "de": "Vereinbarung", "en": "agreement"},
    "link_protocol": {"fr": "protocole", "nl": "protocol", "de": "Protokoll", "en": "protocol"},
    "link_case-conference": {
        "fr": "concertation de cas",
        "nl": "casusoverleg",
        "de": "Fallkonferenz",
        "en": "case conference",
    },
    "add_link": {"fr": "Ajouter le lien", "nl": "Band toevoegen", "de": "Verbindung hinzufügen", "en": "Add the link"},
    "changes_title": {
        "fr": "Journal des modifications",
        "nl": "Logboek van de wijzigingen",
        "de": "Änderungsprotokoll",
        "en": "Change log",
    },
    "col_when": {"fr": "Quand", "nl": "Wanneer", "de": "Wann", "en": "When"},
    "col_key": {"fr": "Clé", "nl": "Sleutel", "de": "Schlüssel", "en": "Key"},
    "col_action": {"fr": "Action", "nl": "Handeling", "de": "Vorgang", "en": "Action"},
    "col_what": {"fr": "Quoi", "nl": "Wat", "de": "Was", "en": "What"},
    "col_route": {"fr": "Route", "nl": "Route", "de": "Route", "en": "Route"},
    "col_before_after": {"fr": "Avant → après", "nl": "Voor → na", "de": "Vorher → nachher", "en": "Before → after"},
    "fields_count": {"fr": "{n} champ(s)", "nl": "{n} veld(en)", "de": "{n} Feld(er)", "en": "{n} field(s)"},
    "action_create": {"fr": "création", "nl": "aangemaakt", "de": "angelegt", "en": "created"},
    "action_update": {"fr": "modification", "nl": "gewijzigd", "de": "geändert", "en": "changed"},
    "action_delete": {"fr": "suppression", "nl": "verwijderd", "de": "gelöscht", "en": "deleted"},
    "err_key": {
        "fr": "Clé inconnue ou révoquée.",
        "nl": "Onbekende of ingetrokken sleutel.",
        "de": "Unbekannter oder widerrufener Schlüssel.",
        "en": "Unknown or revoked key.",
    },
    "saved_organisation": {
        "fr": "Organisation «{name}» enregistrée.",
        "nl": "Organisatie «{name}» opgeslagen.",
        "de": "Organisation «{name}» gespeichert.",
        "en": "Organisation «{name}» saved.",
    },
    "saved_service": {
        "fr": "Service «{name}» enregistré.",
        "nl": "Dienst «{name}» opgeslagen.",
        "de": "Dienst «{name}» gespeichert.",
        "en": "Service «{name}» saved.",
    },
    "link_added": {
        "fr": "Lien ajouté.",
        "nl": "Band toegevoegd.",
        "de": "Verbindung hinzugefügt.",
        "en": "Link added.",
    },
    "link_existed": {
        "fr": "Ce lien existait déjà.",
        "nl": "Deze band bestond al.",
        "de": "Diese Verbindung bestand bereits.",
        "en": "This link already existed.",
    },
    "stale_saved": {
        "fr": "Quelqu'un a enregistré cette fiche entre-temps : rien n'a été écrit. Vérifiez et renvoyez.",
        "nl": "Iemand heeft deze fiche intussen opgeslagen: er werd niets geschreven. Controleer en verstuur opnieuw.",
        "de": "Jemand hat diesen Eintrag inzwischen gespeichert: nichts wurde geschrieben. Prüfen und erneut senden.",
        "en": "Someone saved this record meanwhile: nothing was written. Check and send again.",
    },
    "stale_field": {
        "fr": "{field} — enregistré maintenant : «{stored}» ; votre saisie : «{typed}»",
        "nl": "{field} — nu opgeslagen: «{stored}»; uw invoer: «{typed}»",
        "de": "{field} — jetzt gespeichert: «{stored}»; Ihre Eingabe: «{typed}»",
        "en": "{field} — stored now: «{stored}»; what you typed: «{typed}»",
    },
    # --- end of the dashboard's texts ---
    "no_person": {
        "fr": "Cette fiche ne contient aucune donnée sur la personne orientée.",
        "nl": "Deze fiche bevat geen gegevens over de persoon.",
        "de": "Dieses Blatt enthält keine Angaben zur Person.",
        "en": "This sheet holds no data about the person referred.",
    },
    "printed_on": {
        "fr": "Fiche Relais du",
        "nl": "Relais-fiche van",
        "de": "Relais-Blatt vom",
        "en": "Relais sheet of",
    },
    "my_organisation": {
        "fr": "Mon organisation",
        "nl": "Mijn organisatie",
        "de": "Meine Organisation",
        "en": "My organisation",
    },
    "our_services": {"fr": "Nos services", "nl": "Onze diensten", "de": "Unsere Dienste", "en": "Our services"},
    "places_today": {
        "fr": "Places libres aujourd'hui",
        "nl": "Vrije plaatsen vandaag",
        "de": "Freie Plätze heute",
        "en": "Free places today",
    },
    "places_total": {
        "fr": "Places au total",
        "nl": "Plaatsen in totaal",
        "de": "Plätze insgesamt",
        "en": "Places in total",
    },
    "of_total": {"fr": "sur {total}", "nl": "op {total}", "de": "von {total}", "en": "of {total}"},
    "save": {"fr": "Enregistrer", "nl": "Opslaan", "de": "Speichern", "en": "Save"},
    "set_places": {
        "fr": "Indiquer des places (hébergement)",
        "nl": "Plaatsen opgeven (opvang)",
        "de": "Plätze angeben (Unterbringung)",
        "en": "Give a number of places (shelter)",
    },
    "no_places": {
        "fr": "Pas de places indiquées pour ce service.",
        "nl": "Geen plaatsen opgegeven voor deze dienst.",
        "de": "Für diesen Dienst sind keine Plätze angegeben.",
        "en": "No places given for this service.",
    },
    "capacity_as_of": {"fr": "au {on}", "nl": "op {on}", "de": "Stand {on}", "en": "as of {on}"},
    "capacity_unconfirmed": {
        "fr": "à confirmer (au {on})",
        "nl": "te bevestigen (op {on})",
        "de": "zu bestätigen (Stand {on})",
        "en": "to be confirmed (as of {on})",
    },
    "capacity_rule": {
        "fr": "Un chiffre de plus de {days} jours s'affiche «à confirmer» et ne compte plus dans le classement.",
        "nl": "Een cijfer ouder dan {days} dagen staat als «te bevestigen» en telt niet meer mee in de rangschikking.",
        "de": "Eine Zahl, die älter als {days} Tage ist, erscheint als «zu bestätigen» und zählt nicht mehr für die "
        "Reihenfolge.",
        "en": "A figure older than {days} days shows as «to be confirmed» and no longer counts in the ranking.",
    },
    "capacity_saved": {
        "fr": "Enregistré : {available} place(s) libre(s) sur {total} pour «{name}», au {on}.",
        "nl": "Opgeslagen: {available} vrije plaats(en) op {total} voor «{name}», op {on}.",
        "de": "Gespeichert: {available} freie(r) Platz/Plätze von {total} für «{name}», Stand {on}.",
        "en": "Saved: {available} of {total} places free for «{name}», as of {on}.",
    },
    "verified_today": {
        "fr": "Vérifié aujourd'hui",
        "nl": "Vandaag gecontroleerd",
        "de": "Heute geprüft",
        "en": "Verified today",
    },
    "verified_hint": {
        "fr": "Tout est juste sur cette page ? Dites-le en un clic : les professionnels verront la date.",
        "nl": "Klopt alles op deze pagina? Bevestig het met één klik: professionals zien de datum.",
        "de": "Stimmt alles auf dieser Seite? Bestätigen Sie es mit einem Klick: Fachleute sehen das Datum.",
        "en": "Is everything on this page right? Say so in one click: professionals will see the date.",
    },
    "verified_saved": {
        "fr": "Merci : fiche vérifiée au {on}.",
        "nl": "Bedankt: fiche gecontroleerd op {on}.",
        "de": "Danke: Eintrag geprüft am {on}.",
        "en": "Thank you: record verified on {on}.",
    },
    "err_number": {
        "fr": "Indiquez un nombre entier de 0 à 100 000.",
        "nl": "Geef een geheel getal van 0 tot 100 000.",
        "de": "Geben Sie eine ganze Zahl von 0 bis 100 000 an.",
        "en": "Enter a whole number from 0 to 100 000.",
    },
    "err_exceeds": {
        "fr": "Plus de places libres que de places au total ({total}) : corrigez l'un des deux.",
        "nl": "Meer vrije plaatsen dan plaatsen in totaal ({total}): verbeter een van beide.",
        "de": "Mehr freie Plätze als Plätze insgesamt ({total}): korrigieren Sie eine der beiden Zahlen.",
        "en": "More free places than places in total ({total}): correct one of the two.",
    },
    "expired_places": {
        "fr": "Places à confirmer (chiffre de plus de {days} jours)",
        "nl": "Te bevestigen plaatsen (cijfer ouder dan {days} dagen)",
        "de": "Zu bestätigende Plätze (Zahl älter als {days} Tage)",
        "en": "Places to be confirmed (figure older than {days} days)",
    },
    "none": {"fr": "Aucun.", "nl": "Geen.", "de": "Keine.", "en": "None."},
    "website": {"fr": "Site web", "nl": "Website", "de": "Website", "en": "Website"},
    "keys_title": {"fr": "Clés d'accès", "nl": "Toegangssleutels", "de": "Zugangsschlüssel", "en": "Access keys"},
    "keys_intro": {
        "fr": "Une clé ouvre Relais pour un rôle. Elle n'est montrée qu'une fois, à sa création.",
        "nl": "Een sleutel opent Relais voor een rol. Hij wordt maar één keer getoond, bij het aanmaken.",
        "de": "Ein Schlüssel öffnet Relais für eine Rolle. Er wird nur einmal gezeigt, bei der Erstellung.",
        "en": "A key opens Relais for a role. It is shown only once, when it is created.",
    },
    "keys_intro_revoke": {
        "fr": "Révoquer une clé ferme aussitôt ses sessions.",
        "nl": "Een sleutel intrekken sluit meteen zijn sessies.",
        "de": "Ein Widerruf beendet sofort die Sitzungen des Schlüssels.",
        "en": "Revoking a key ends its sessions at once.",
    },
    "keys_role": {"fr": "Rôle", "nl": "Rol", "de": "Rolle", "en": "Role"},
    "keys_role_professional": {
        "fr": "Professionnel·le (consultation)",
        "nl": "Professional (raadplegen)",
        "de": "Fachkraft (Einsicht)",
        "en": "Professional (read only)",
    },
    "keys_role_editor": {
        "fr": "Éditeur d'une organisation",
        "nl": "Redacteur van een organisatie",
        "de": "Redaktion einer Organisation",
        "en": "Editor of an organisation",
    },
    "keys_role_coordinator": {"fr": "Coordination", "nl": "Coördinatie", "de": "Koordination", "en": "Coordination"},
    "keys_organisation": {
        "fr": "Organisation (obligatoire pour un éditeur)",
        "nl": "Organisatie (verplicht voor een redacteur)",
        "de": "Organisation (Pflicht für die Redaktion)",
        "en": "Organisation (required for an editor)",
    },
    "keys_org": {"fr": "Organisation", "nl": "Organisatie", "de": "Organisation", "en": "Organisation"},
    "keys_no_organisation": {"fr": "— aucune —", "nl": "— geen —", "de": "— keine —", "en": "— none —"},
    "keys_label": {"fr": "Libellé", "nl": "Omschrijving", "de": "Bezeichnung", "en": "Label"},
    "keys_label_hint": {
        "fr": "un service, jamais le nom d'une personne",
        "nl": "een dienst, nooit de naam van een persoon",
        "de": "ein Dienst, nie der Name einer Person",
        "en": "a service, never a person's name",
    },
    "keys_create": {
        "fr": "Créer la clé",
        "nl": "Sleutel aanmaken",
        "de": "Schlüssel erstellen",
        "en": "Create the key",
    },
    "keys_new": {"fr": "Nouvelle clé", "nl": "Nieuwe sleutel", "de": "Neuer Schlüssel", "en": "New key"},
    "keys_created": {
        "fr": "Clé {id} créée : {role}.",
        "nl": "Sleutel {id} aangemaakt: {role}.",
        "de": "Schlüssel {id} erstellt: {role}.",
        "en": "Key {id} created: {role}.",
    },
    "keys_once": {
        "fr": "Copiez-la maintenant : elle ne sera plus jamais affichée. Transmettez-la par un canal sûr.",
        "nl": "Kopieer hem nu: hij wordt nooit meer getoond. Geef hem door via een veilig kanaal.",
        "de": "Kopieren Sie ihn jetzt: er wird nie wieder angezeigt. Geben Sie ihn über einen sicheren Weg weiter.",
        "en": "Copy it now: it will never be shown again. Pass it on through a safe channel.",
    },
    "keys_the_key": {"fr": "La clé", "nl": "De sleutel", "de": "Der Schlüssel", "en": "The key"},
    "keys_copy": {"fr": "Copier", "nl": "Kopiëren", "de": "Kopieren", "en": "Copy"},
    "keys_copied": {"fr": "copié", "nl": "gekopieerd", "de": "kopiert", "en": "copied"},
    "keys_list": {
        "fr": "Clés existantes",
        "nl": "Bestaande sleutels",
        "de": "Bestehende Schlüssel",
        "en": "Existing keys",
    },
    "keys_created_on": {"fr": "Créée le", "nl": "Aangemaakt op", "de": "Erstellt am", "en": "Created on"},
    "keys_revoked_on": {"fr": "Révoquée le", "nl": "Ingetrokken op", "de": "Widerrufen am", "en": "Revoked on"},
    "keys_active": {"fr": "active", "nl": "actief", "de": "aktiv", "en": "active"},
    "keys_state": {"fr": "État", "nl": "Status", "de": "Status", "en": "Status"},
    "keys_confirm": {"fr": "je confirme", "nl": "ik bevestig", "de": "ich bestätige", "en": "I confirm"},
    "keys_revoke": {"fr": "Révoquer", "nl": "Intrekken", "de": "Widerrufen", "en": "Revoke"},
    "keys_revoked_msg": {
        "fr": "Clé {id} révoquée : ses sessions sont fermées.",
        "nl": "Sleutel {id} ingetrokken: zijn sessies zijn gesloten.",
        "de": "Schlüssel {id} widerrufen: seine Sitzungen sind beendet.",
        "en": "Key {id} revoked: its sessions are ended.",
    },
    "keys_none": {"fr": "Aucune.", "nl": "Geen.", "de": "Keine.", "en": "None."},
    "keys_err_role": {
        "fr": "Choisissez un rôle dans la liste.",
        "nl": "Kies een rol uit de lijst.",
        "de": "Wählen Sie eine Rolle aus der Liste.",
        "en": "Choose a role from the list.",
    },
    "keys_err_org_needed": {
        "fr": "Une clé d'éditeur appartient à une organisation : choisissez-la.",
        "nl": "Een redacteursleutel hoort bij een organisatie: kies ze.",
        "de": "Ein Redaktionsschlüssel gehört zu einer Organisation: wählen Sie sie.",
        "en": "An editor key belongs to an organisation: choose it.",
    },
    "keys_err_org_only_editor": {
        "fr": "Seule une clé d'éditeur est liée à une organisation : choisissez « aucune ».",
        "nl": "Alleen een redacteursleutel hoort bij een organisatie: kies « geen ».",
        "de": "Nur ein Redaktionsschlüssel gehört zu einer Organisation: wählen Sie « keine ».",
        "en": "Only an editor key belongs to an organisation: choose « none ».",
    },
    "keys_err_org_unknown": {
        "fr": "Aucune organisation «{org}» dans l'annuaire : créez-la d'abord.",
        "nl": "Geen organisatie «{org}» in de gids: maak ze eerst aan.",
        "de": "Keine Organisation «{org}» im Verzeichnis: legen Sie sie zuerst an.",
        "en": "No organisation «{org}» in the directory: create it first.",
    },
    "keys_err_confirm": {
        "fr": "Cochez « je confirme » pour révoquer cette clé.",
        "nl": "Vink « ik bevestig » aan om deze sleutel in te trekken.",
        "de": "Kreuzen Sie « ich bestätige » an, um diesen Schlüssel zu widerrufen.",
        "en": "Tick « I confirm » to revoke this key.",
    },
}

LANG_NAMES = {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    # code: names in fr, nl, de, en (as they read inside a sentence: «parle arabe», «spricht Arabisch»)
    "fr": {"fr": "français", "nl": "Frans", "de": "Französisch", "en": "French"},
    "nl": {"fr": "néerlandais", "nl": "Nederlands", "de": "Niederländisch", "en": "Dutch"},
    "de": {"fr": "allemand", "nl": "Duits", "de": "Deutsch", "en": "German"},
    "en": {"fr": "anglais", "nl": "Engels", "de": "Englisch", "en": "English"},
    "ar": {"fr": "arabe", "nl": "Arabisch", "de": "Arabisch", "en": "Arabic"},
    "tr": {"fr": "turc", "nl": "Turks", "de": "Türkisch", "en": "Turkish"},
    "es": {"fr": "espagnol", "nl": "Spaans", "de": "Spanisch", "en": "Spanish"},
    "it": {"fr": "italien", "nl": "Italiaans", "de": "Italienisch", "en": "Italian"},
    "pt": {"fr": "portugais", "nl": "Portugees", "de": "Portugiesisch", "en": "Portuguese"},
    "ru": {"fr": "russe", "nl": "Russisch", "de": "Russisch", "en": "Russian"},
    "ro": {"fr": "roumain", "nl": "Roemeens", "de": "Rumänisch", "en": "Romanian"},
    "pl": {"fr": "polonais", "nl": "Pools", "de": "Polnisch", "en": "Polish"},
    "uk": {"fr": "ukrainien", "nl": "Oekraïens", "de": "Ukrainisch", "en": "Ukrainian"},
    "bg": {"fr": "bulgare", "nl": "Bulgaars", "de": "Bulgarisch", "en": "Bulgarian"},
    "sq": {"fr": "albanais", "nl": "Albanees", "de": "Albanisch", "en": "Albanian"},
    "sr": {"fr": "serbe", "nl": "Servisch", "de": "Serbisch", "en": "Serbian"},
    "hr": {"fr": "croate", "nl": "Kroatisch", "de": "Kroatisch", "en": "Croatian"},
    "bs": {"fr": "bosnien", "nl": "Bosnisch", "de": "Bosnisch", "en": "Bosnian"},
    "el": {"fr": "grec", "nl": "Grieks", "de": "Griechisch", "en": "Greek"},
    "hu": {"fr": "hongrois", "nl": "Hongaars", "de": "Ungarisch", "en": "Hungarian"},
    "cs": {"fr": "tchèque", "nl": "Tsjechisch", "de": "Tschechisch", "en": "Czech"},
    "sk": {"fr": "slovaque", "nl": "Slowaaks", "de": "Slowakisch", "en": "Slovak"},
    "lb": {"fr": "luxembourgeois", "nl": "Luxemburgs", "de": "Luxemburgisch", "en": "Luxembourgish"},
    "wa": {"fr": "wallon", "nl": "Waals", "de": "Wallonisch", "en": "Walloon"},
    "fa": {"fr": "persan", "nl": "Perzisch", "de": "Persisch", "en": "Persian"},
    "prs": {"fr": "dari", "nl": "Dari", "de": "Dari", "en": "Dari"},
    "ps": {"fr": "pachto", "nl": "Pasjtoe", "de": "Paschtu", "en": "Pashto"},
    "ku": {"fr": "kurde", "nl": "Koerdisch", "de": "Kurdisch", "en": "Kurdish"},
    "hy": {"fr": "arménien", "nl": "Armeens", "de": "Armenisch", "en": "Armenian"},
    "ka": {"fr": "géorgien", "nl": "Georgisch", "de": "Georgisch", "en": "Georgian"},
    "ber": {"fr": "berbère", "nl": "Berbers", "de": "Berberisch", "en": "Berber"},
    "so": {"fr": "somali", "nl": "Somalisch", "de": "Somali", "en": "Somali"},
    "ti": {"fr": "tigrigna", "nl": "Tigrinya", "de": "Tigrinya", "en": "Tigrinya"},
    "am": {"fr": "amharique", "nl": "Amhaars", "de": "Amharisch", "en": "Amharic"},
    "sw": {"fr": "swahili", "nl": "Swahili", "de": "Suaheli", "en": "Swahili"},
    "ln": {"fr": "lingala", "nl": "Lingala", "de": "Lingala", "en": "Lingala"},
    "zh": {"fr": "chinois", "nl": "Chinees", "de": "Chinesisch", "en": "Chinese"},
    "vi": {"fr": "vietnamien", "nl": "Vietnamees", "de": "Vietnamesisch", "en": "Vietnamese"},
    "ur": {"fr": "ourdou", "nl": "Urdu", "de": "Urdu", "en": "Urdu"},
    "hi": {"fr": "hindi", "nl": "Hindi", "de": "Hindi", "en": "Hindi"},
    "sfb": {
        "fr": "la langue des signes de Belgique francophone",
        "nl": "Franstalige Belgische Gebarentaal",
        "de": "Französisch-belgische Gebärdensprache",
        "en": "French Belgian Sign Language",
    },
    "vgt": {
        "fr": "la langue des signes flamande",
        "nl": "Vlaamse Gebarentaal",
        "de": "Flämische Gebärdensprache",
        "en": "Flemish Sign Language",
    },
}
"""Language names in the four languages of the interface, for every language a service may list."""
UNKNOWN_LANGUAGE = {
    "fr": "la langue «{code}»",
    "nl": "de taal «{code}»",
    "de": "die Sprache «{code}»",
    "en": "the language «{code}»",
}
"""Last resort for a code missing from LANGUAGE_NAMES: the code in a neutral phrase, never bare."""
SPOKEN = {
    code: LANGUAGE_NAMES[code]["fr"]
    for code in ("fr", "nl", "de", "en", "ar", "tr", "es", "it", "pt", "ru", "ro", "pl")
}
"""The languages offered in the finder's «language the person speaks» list (French names)."""


def language_name(code: str, lang: str) -> str:
    """A language's name in the interface language: «allemand», «Duits», «Deutsch», «German».

    >>> language_name("ar", "nl"), language_name("tr", "de"), language_name("xx", "en")
    ('Arabisch', 'Türkisch', 'the language «xx»')
    """
    names = LANGUAGE_NAMES.get(code)
    if names is None:
        return UNKNOWN_LANGUAGE.get(lang, UNKNOWN_LANGUAGE["fr"]).format(code=code)
    return names.get(lang, names["fr"])


def t(key: str, lang: str) -> str:
    return UI[key].get(lang, UI[key]["fr"])


class ServedLike(Protocol):
    """What the banner needs of `api.bootstrap.Served`: the directory's name and whether it is fictional."""

    @property
    def name(self) -> str: ...

    @property
    def fictional(self) -> bool: ...


def banner_texts(served: ServedLike | None, lang: str) -> tuple[str, str]:
    """(which directory is served, the fictional-data warning or "") for the banner of every page.

    Nobody should mistake the demo for the real network, nor the real network for a demo.

    >>> from types import SimpleNamespace
    >>> banner_texts(SimpleNamespace(name="démo", fictional=True), "nl")
    ('Getoonde gids: démo', 'Fictieve demonstratiegegevens')
    >>> banner_texts(None, "fr")
    ('', '')
    """
    if served is None:
        return "", ""
    name = served.name or t("unnamed_directory", lang)
    return f"{t('served', lang)} {name}", t("fictional", lang) if served.fictional else ""
