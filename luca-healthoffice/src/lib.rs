//! luca-healthoffice
