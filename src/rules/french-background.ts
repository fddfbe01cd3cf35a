/**
 * Ordinary French for `veille rules seed`: function words, frequent verbs and the
 * everyday vocabulary of world news. A seeded term must stand out against these
 * (a word listed here is never proposed on its own). Written folded (no accents).
 */
import { foldText } from './normalize-text.js';

const WORDS = `
a au aux avec ce ces cet cette ceci cela ca celui celle ceux celles chez comme dans de des du elle elles en entre et eux il ils je j
l la le les leur leurs lui ma mais me meme memes mes moi mon ne ni nos notre nous on ou par pas pour qu que qui quoi sa sans se ses si son
sur ta te tes toi ton tu un une vos votre vous y d m n s t c quand lorsque lorsqu puisque puisqu jusqu jusque dont donc car or ainsi
alors aussi autre autres aucun aucune chaque certains certaines plusieurs tous tout toute toutes tres trop peu plus moins deja encore
toujours jamais souvent depuis pendant avant apres durant selon contre vers sous parmi malgre sauf hors via lors afin tandis cependant
pourtant toutefois notamment egalement surtout seulement environ pres loin ici ailleurs partout ensemble enfin puis ensuite desormais
oui non etre est sont etait etaient sera seront serait seraient ete etant suis es sommes etes fut furent soit soient
avoir ai as avons avez ont avait avaient aura auront aurait auraient eu eue eus ayant
faire fait faits faite faites font faisait fera ferait dire dit dite dits dites disent disait declare declaree declares a-t-il a-t-elle
aller va vont allait ira venir vient viennent venu venue pouvoir peut peuvent pourrait pourraient pu vouloir veut veulent voulu devoir doit
doivent devrait devraient du savoir sait voir vu vue vus prendre pris prise mettre mis mise donner donne donnes donnee passer passe
rester reste trouver trouve appeler appele demander demande sembler semble laisser laisse tenir tenu porter porte parler parle montrer
montre montrant continuer penser suivre connaitre croire commencer compter entendre attendre remettre recevoir recu recue reçu sortir
arriver arrive permettre indique indiquer annonce annoncer affirme affirmer estime estimer souligne souligner assure assurer precise
preciser explique expliquer ajoute ajouter rappelle rappeler selon rencontre rencontrer rencontres rencontre visite visites visiter
salue saluer remercie remercier exprime exprimer accuse accuser accusee accuses denonce denoncer signe signer signes signee conclu
publie publiee publier relayees relayee relaye accueillir accueilli organise organiser prevu prevue lance lancer lancee mene mener
renforcer renforce renforcent renforcee fournir fournit fourni fournissant envoye envoyer envoyes soutenir soutien soutenu
deux trois quatre cinq six sept huit neuf dix onze douze vingt trente cent cents mille milliers millions milliard milliards centaines dizaines
premier premiere premiers premieres dernier derniere derniers dernieres second seconde nouveau nouvelle nouveaux nouvelles
grand grande grands grandes petit petite petits petites haut haute hauts hautes bon bonne bons bonnes meilleur gros grosse long longue
jour jours semaine semaines mois an ans annee annees heure heures temps fois moment date debut fin matin soir matinee hier demain aujourd hui
lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
ete printemps automne hiver
monde pays etat etats nation nations gouvernement president presidente presidence ministre ministres ministere chef cheffe chefs dirigeant
dirigeants dirigeante responsable responsables homologue homologues conseiller conseillere secretaire porte-parole diplomate diplomates
diplomatie diplomatique diplomatiques affaires etrangeres etrangere etranger exterieur exterieurs interieur defense securite conseil
armee armees militaire militaires soldat soldats troupe troupes force forces guerre guerres conflit conflits combat combats front arme armes
missile missiles munitions obus attaque attaques offensive assaut operation operations tir tirs frappe frappes bombardement
accord accords pacte traite alliance allie allies alliee cooperation relation relations lien liens partenariat strategique strategiques
politique politiques economique economiques economie commerce sanctions sanction aide aides soutien effort
sommet reunion entretien entretiens echange echanges discussion discussions negociations communique declaration declarations propos
parti partis election elections vote loi lois parlement depute deputes senat opposition regime pouvoir autorites autorite officiel
officielle officiels officielles public publique international internationale internationaux internationales national nationale
region regions zone zones ville villes capitale territoire territoires frontiere frontieres cote mer terre pays voisin voisins
agence agences presse media medias journal journaux information informations source sources rapport article video photo afp reuters ap
selon chiffre chiffres nombre partie parties cause question questions cas fait faits point points part place situation probleme
peuple peuples population habitants gens personne personnes homme hommes femme femmes enfant enfants famille vie mort morts tues tue blesses
monsieur madame m mme service services systeme programme projet projets plan mission role objectif objectifs effet raison resultat
contexte possibilite volonte position principe intention inquietudes tensions escalade crise menace menaces risque risques
occident occidental occidentaux occidentales europe europeen europeenne europeens asie asiatique afrique amerique orient ouest est nord sud
union onu otan g7 g20 ue
tres bien mieux mal fort forte forts fortes direct directe directs directes proche proches prochain prochaine prochainement
possible possibles important importante importants importantes principal principale principaux general generale
rechercher recherche accueil actualite actualites infos derniers lire aussi abonnes
`;

/** Folded background words. */
export const FRENCH_BACKGROUND: ReadonlySet<string> = new Set(
  WORDS.split(/\s+/).filter((w) => w.length > 0).flatMap((w) => foldText(w).split(' ')),
);
