//! Display names of the categories in the locales the API answers in (`en` by default, `tr`,
//! `de`, `es`, `fr`). Custom patterns are shown by their own name.

/// The display name of a category in a locale such as `tr-TR`; English where there is no
/// translation, the category itself for custom patterns.
pub fn display_name(category: &str, locale: &str) -> String {
    let lang = locale
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let column = match lang.as_str() {
        "tr" => 1,
        "de" => 2,
        "es" => 3,
        "fr" => 4,
        _ => 0,
    };
    NAMES
        .iter()
        .find(|row| row[0] == category)
        .map_or_else(|| category.to_owned(), |row| row[column + 1].to_owned())
}

/// category, en, tr, de, es, fr
const NAMES: &[[&str; 6]] = &[
    [
        "email",
        "Email address",
        "E-posta adresi",
        "E-Mail-Adresse",
        "Correo electrónico",
        "Adresse e-mail",
    ],
    [
        "phone",
        "Phone number",
        "Telefon numarası",
        "Telefonnummer",
        "Número de teléfono",
        "Numéro de téléphone",
    ],
    [
        "creditCard",
        "Credit card number",
        "Kredi kartı numarası",
        "Kreditkartennummer",
        "Número de tarjeta",
        "Numéro de carte",
    ],
    ["iban", "IBAN", "IBAN", "IBAN", "IBAN", "IBAN"],
    [
        "ipAddress",
        "IP address",
        "IP adresi",
        "IP-Adresse",
        "Dirección IP",
        "Adresse IP",
    ],
    ["url", "URL", "URL", "URL", "URL", "URL"],
    [
        "macAddress",
        "MAC address",
        "MAC adresi",
        "MAC-Adresse",
        "Dirección MAC",
        "Adresse MAC",
    ],
    [
        "cryptoWallet",
        "Crypto wallet address",
        "Kripto cüzdan adresi",
        "Krypto-Wallet-Adresse",
        "Dirección de billetera",
        "Adresse de portefeuille",
    ],
    ["date", "Date", "Tarih", "Datum", "Fecha", "Date"],
    [
        "us_ssn",
        "US Social Security number",
        "ABD sosyal güvenlik numarası",
        "US-Sozialversicherungsnummer",
        "Número de seguro social (EE. UU.)",
        "Numéro de sécurité sociale (É.-U.)",
    ],
    [
        "us_itin",
        "US ITIN",
        "ABD ITIN",
        "US-ITIN",
        "ITIN (EE. UU.)",
        "ITIN (É.-U.)",
    ],
    [
        "us_passport",
        "US passport number",
        "ABD pasaport numarası",
        "US-Reisepassnummer",
        "Pasaporte (EE. UU.)",
        "Passeport (É.-U.)",
    ],
    [
        "us_aba_routing",
        "US bank routing number",
        "ABD banka yönlendirme numarası",
        "US-Bankleitzahl",
        "Número de ruta bancaria (EE. UU.)",
        "Numéro de routage bancaire (É.-U.)",
    ],
    [
        "ca_sin",
        "Canadian SIN",
        "Kanada SIN",
        "Kanadische SIN",
        "SIN canadiense",
        "NAS canadien",
    ],
    [
        "tc_kimlik",
        "Turkish ID number",
        "T.C. kimlik numarası",
        "Türkische Identitätsnummer",
        "Número de identidad turco",
        "Numéro d'identité turc",
    ],
    [
        "tr_phone",
        "Turkish phone number",
        "Telefon numarası",
        "Türkische Telefonnummer",
        "Teléfono turco",
        "Téléphone turc",
    ],
    [
        "gb_nino",
        "UK National Insurance number",
        "BK ulusal sigorta numarası",
        "Britische Sozialversicherungsnummer",
        "Número de seguro nacional (RU)",
        "Numéro d'assurance nationale (R.-U.)",
    ],
    [
        "gb_nhs",
        "NHS number",
        "NHS numarası",
        "NHS-Nummer",
        "Número del NHS",
        "Numéro NHS",
    ],
    [
        "de_tax_id",
        "German tax ID",
        "Almanya vergi kimlik numarası",
        "Steuerliche Identifikationsnummer",
        "NIF alemán",
        "Numéro fiscal allemand",
    ],
    [
        "es_nif",
        "Spanish DNI/NIF",
        "İspanya DNI/NIF",
        "Spanische DNI/NIF",
        "DNI/NIF",
        "DNI/NIF espagnol",
    ],
    [
        "es_nie",
        "Spanish NIE",
        "İspanya NIE",
        "Spanische NIE",
        "NIE",
        "NIE espagnol",
    ],
    [
        "in_aadhaar",
        "Aadhaar number",
        "Aadhaar numarası",
        "Aadhaar-Nummer",
        "Número Aadhaar",
        "Numéro Aadhaar",
    ],
    [
        "in_pan",
        "Indian PAN",
        "Hindistan PAN",
        "Indische PAN",
        "PAN indio",
        "PAN indien",
    ],
    [
        "fr_nir",
        "French social security number",
        "Fransa sosyal güvenlik numarası",
        "Französische Sozialversicherungsnummer",
        "Número de seguridad social francés",
        "Numéro de sécurité sociale",
    ],
    [
        "nl_bsn",
        "Dutch BSN",
        "Hollanda BSN",
        "Niederländische BSN",
        "BSN neerlandés",
        "BSN néerlandais",
    ],
    [
        "au_tfn",
        "Australian tax file number",
        "Avustralya vergi dosya numarası",
        "Australische Steuernummer",
        "TFN australiano",
        "TFN australien",
    ],
    [
        "pl_pesel",
        "Polish PESEL",
        "Polonya PESEL",
        "Polnische PESEL",
        "PESEL polaco",
        "PESEL polonais",
    ],
    [
        "br_cpf",
        "Brazilian CPF",
        "Brezilya CPF",
        "Brasilianische CPF",
        "CPF brasileño",
        "CPF brésilien",
    ],
    [
        "au_medicare",
        "Australian Medicare number",
        "Avustralya Medicare numarası",
        "Australische Medicare-Nummer",
        "Número de Medicare australiano",
        "Numéro Medicare australien",
    ],
    [
        "au_abn",
        "Australian Business Number",
        "Avustralya işletme numarası (ABN)",
        "Australische Unternehmensnummer (ABN)",
        "Número de empresa australiano (ABN)",
        "Numéro d'entreprise australien (ABN)",
    ],
    [
        "au_acn",
        "Australian Company Number",
        "Avustralya şirket numarası (ACN)",
        "Australische Gesellschaftsnummer (ACN)",
        "Número de sociedad australiano (ACN)",
        "Numéro de société australien (ACN)",
    ],
    [
        "us_npi",
        "US National Provider Identifier",
        "ABD sağlık hizmeti sağlayıcı numarası (NPI)",
        "US-Leistungserbringernummer (NPI)",
        "Identificador nacional de proveedor de EE. UU. (NPI)",
        "Identifiant national de prestataire américain (NPI)",
    ],
    [
        "se_personnummer",
        "Swedish personal identity number",
        "İsveç kişisel kimlik numarası",
        "Schwedische Personennummer",
        "Número de identidad personal sueco",
        "Numéro d'identité personnel suédois",
    ],
    [
        "se_orgnr",
        "Swedish organisation number",
        "İsveç kuruluş numarası",
        "Schwedische Organisationsnummer",
        "Número de organización sueco",
        "Numéro d'organisation suédois",
    ],
    [
        "za_id",
        "South African identity number",
        "Güney Afrika kimlik numarası",
        "Südafrikanische Identitätsnummer",
        "Número de identidad sudafricano",
        "Numéro d'identité sud-africain",
    ],
    [
        "kr_rrn",
        "Korean resident registration number",
        "Kore yerleşik kayıt numarası",
        "Koreanische Einwohnermeldenummer",
        "Número de registro de residente coreano",
        "Numéro d'enregistrement de résident coréen",
    ],
    [
        "th_pin",
        "Thai personal identification number",
        "Tayland kişisel kimlik numarası",
        "Thailändische Personenkennnummer",
        "Número de identificación personal tailandés",
        "Numéro d'identification personnel thaïlandais",
    ],
    [
        "fi_hetu",
        "Finnish personal identity code",
        "Finlandiya kişisel kimlik kodu",
        "Finnische Personenkennung",
        "Código de identidad personal finlandés",
        "Code d'identité personnel finlandais",
    ],
    [
        "it_vat",
        "Italian VAT number",
        "İtalya KDV numarası",
        "Italienische Umsatzsteuernummer",
        "Número de IVA italiano",
        "Numéro de TVA italien",
    ],
    [
        "it_fiscal_code",
        "Italian fiscal code",
        "İtalya vergi kodu",
        "Italienische Steuernummer (Codice fiscale)",
        "Código fiscal italiano",
        "Code fiscal italien",
    ],
    [
        "de_vat",
        "German VAT ID",
        "Almanya KDV kimlik numarası",
        "Umsatzsteuer-Identifikationsnummer",
        "NIF-IVA alemán",
        "Numéro de TVA allemand",
    ],
    [
        "us_mbi",
        "US Medicare Beneficiary Identifier",
        "ABD Medicare yararlanıcı kimliği",
        "US-Medicare-Versichertennummer (MBI)",
        "Identificador de beneficiario de Medicare de EE. UU.",
        "Identifiant de bénéficiaire Medicare américain",
    ],
    [
        "in_gstin",
        "Indian GSTIN",
        "Hindistan GSTIN",
        "Indische GSTIN",
        "GSTIN indio",
        "GSTIN indien",
    ],
    [
        "ng_nin",
        "Nigerian National Identification Number",
        "Nijerya ulusal kimlik numarası",
        "Nigerianische Identifikationsnummer",
        "Número de identificación nacional nigeriano",
        "Numéro d'identification national nigérian",
    ],
    [
        "ph_tin",
        "Philippine taxpayer identification number",
        "Filipinler vergi kimlik numarası",
        "Philippinische Steuernummer",
        "Número de identificación tributaria filipino",
        "Numéro d'identification fiscale philippin",
    ],
    [
        "in_voter_id",
        "Indian voter ID",
        "Hindistan seçmen kimliği",
        "Indischer Wählerausweis",
        "Credencial de elector india",
        "Carte d'électeur indienne",
    ],
    [
        "us_bank_account",
        "US bank account number",
        "ABD banka hesap numarası",
        "US-Bankkontonummer",
        "Número de cuenta bancaria de EE. UU.",
        "Numéro de compte bancaire américain",
    ],
    [
        "es_passport",
        "Spanish passport number",
        "İspanya pasaport numarası",
        "Spanische Passnummer",
        "Número de pasaporte español",
        "Numéro de passeport espagnol",
    ],
    [
        "kr_passport",
        "Korean passport number",
        "Kore pasaport numarası",
        "Koreanische Passnummer",
        "Número de pasaporte coreano",
        "Numéro de passeport coréen",
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_name_and_locales_fall_back() {
        for c in crate::CATEGORIES {
            assert!(NAMES.iter().any(|r| r[0] == c.name), "{}", c.name);
        }
        assert_eq!(display_name("email", "tr-TR"), "E-posta adresi");
        assert_eq!(display_name("email", "ja"), "Email address");
        assert_eq!(display_name("order id", "en"), "order id");
    }
}
